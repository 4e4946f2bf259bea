using System.Globalization;
using CityCard.Bench;

// Usage: dotnet run -c Release --project bench/CityCard.Bench -- [crypto] [card] [clearing] [--seconds S]
//   clearing options: --records=N --cards=N --runs=N --db=sqlite|postgres|sqlite:PATH|postgresql://…  (also: citycard bench clearing)
var suites = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !double.TryParse(a, CultureInfo.InvariantCulture, out _)).ToList();
var seconds = 1.0;
var index = Array.IndexOf(args, "--seconds");
if (index >= 0 && (index + 1 >= args.Length || !double.TryParse(args[index + 1], CultureInfo.InvariantCulture, out seconds)))
{
    Console.Error.WriteLine("error: --seconds needs a number");
    return 2;
}

if (suites.Count == 0)
{
    suites.Add("crypto");
}

Console.WriteLine($"CityCard benchmarks — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
foreach (var suite in suites)
{
    Console.WriteLine();
    Console.WriteLine($"## {suite}");
    var code = suite switch
    {
        "crypto" => CryptoBench.Run(Console.Out, seconds),
        "card" => CardBench.Run(Console.Out, seconds),
        "clearing" => ClearingBench.Run(Console.Out, new ClearingBenchOptions(
            Option("--db=") ?? "sqlite",
            int.Parse(Option("--records=") ?? "200000", CultureInfo.InvariantCulture),
            int.Parse(Option("--cards=") ?? "2000", CultureInfo.InvariantCulture),
            int.Parse(Option("--runs=") ?? "1", CultureInfo.InvariantCulture))),
        _ => Unknown(suite),
    };
    if (code != 0)
    {
        return code;
    }
}

return 0;

string? Option(string prefix) => args.FirstOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];

static int Unknown(string suite)
{
    Console.Error.WriteLine($"error: unknown suite '{suite}' (known: crypto, card, clearing)");
    return 2;
}
