using CityCard.Cli;
using CityCard.Storage;

// SQLite's threading mode can only be chosen before the process's first SQLite connection opens, and some commands open
// one of their own before the store's (checking that a database is empty, for one): choose it first.
_ = ClearingStores.SqliteMultiThreaded;

return CliApp.Run(args, new CliContext(Console.In, Console.Out, Console.Error));
