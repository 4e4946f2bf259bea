using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Verification;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Storage;

// Usage: CityCard.Clearing.CrashChild DATABASE-URL [--per-transaction N] FILE...
// Prints "ingesting FILE" before each file (with --per-transaction: when IngestAll takes it) and "done FILE ACCEPTED
// REPLAYED" after it is committed. Without the option each file is ingested on its own (as an upload); with it, files
// go through IngestAll with N files to a transaction.
// The SQLite library's threading mode, set as the store's first connection opens (the crash test checks it: the
// exactly-once guarantee must hold in the mode the centre runs in).
if (args[0].StartsWith("sqlite:", StringComparison.Ordinal))
{
    Console.WriteLine($"sqlite multi-thread {ClearingStores.SqliteMultiThreaded}");
}

using var store = ClearingStores.Open(args[0]);
var clearing = new ClearingService(store, DemoKeySet.Create(EpAlgorithm.Des), TacKeyRing.Demo(), TimeProvider.System);
if (args.Length > 2 && args[1] == "--per-transaction")
{
    var files = args.Skip(3).ToList();
    var index = 0;
    var read = files.Select(file =>
    {
        Console.WriteLine($"ingesting {file}");
        return File.ReadAllBytes(file);
    });
    foreach (var result in clearing.IngestAll(read, int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)))
    {
        Console.WriteLine($"done {files[index++]} {result.Receipt.Totals.Accepted} {result.Replayed}");
    }

    return 0;
}

foreach (var file in args.Skip(1))
{
    Console.WriteLine($"ingesting {file}");
    var result = clearing.Ingest(File.ReadAllBytes(file));
    Console.WriteLine($"done {file} {result.Receipt.Totals.Accepted} {result.Replayed}");
}

return 0;
