using CityCard.Cli;

return CliApp.Run(args, new CliContext(Console.In, Console.Out, Console.Error));
