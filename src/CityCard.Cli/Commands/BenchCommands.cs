using System.CommandLine;
using System.Globalization;
using CityCard.Bench;

namespace CityCard.Cli.Commands;

/// <summary><c>citycard bench clearing</c>: the clearing throughput benchmark of issue 5 §6 (docs/clearing.md §Benchmark).</summary>
internal static class BenchCommands
{
    private const int MaxRecords = 100_000_000;
    private const int MaxCountersPerCard = 60_000;

    public static Command Build(CliContext context)
    {
        var bench = new Command("bench", "Throughput benchmarks.");
        var db = Options.Optional("--db", "sqlite (a temporary file, the default), postgres (a throwaway cluster started for the run: initdb + pg_ctl on a free loopback port), or a URL of an EMPTY database (sqlite:PATH or postgresql://user:pass@host:port/dbname)");
        var records = Options.Optional("--records", $"purchase records to clear (default {ClearingBenchOptions.DefaultRecords:N0}; {ClearingBenchOptions.BigDay:N0} is a Beijing-sized day)");
        var cards = Options.Optional("--cards", $"cards the records are spread over (default {ClearingBenchOptions.DefaultCards:N0})");
        var runs = Options.Optional("--runs", "repetitions, each on a fresh database (default 1; 1 when --db is a URL)");
        bench.Subcommands.Add(new Command("clearing", "Clear signed batch files end to end (file MAC, TACs, duplicates, counters, balance chain, ledger, commit), settle the day, and compare with the raw TAC and raw insert rates measured in the same run.")
            .With(db, records, cards, runs)
            .Does(parse =>
            {
                var options = new ClearingBenchOptions(
                    parse.GetValue(db) ?? "sqlite",
                    Count(parse.GetValue(records), "--records", ClearingBenchOptions.DefaultRecords, MaxRecords),
                    Count(parse.GetValue(cards), "--cards", ClearingBenchOptions.DefaultCards, 10_000_000),
                    Count(parse.GetValue(runs), "--runs", 1, 20));
                if (options.Target is not ("sqlite" or "postgres"))
                {
                    try
                    {
                        Storage.DatabaseUrl.Parse(options.Target, "--db");
                    }
                    catch (ArgumentException e)
                    {
                        throw new UsageException($"{e.Message.Split(" (Parameter")[0]}; or sqlite / postgres for a temporary database", e);
                    }

                    if (options.Runs != 1)
                    {
                        throw new UsageException("--runs: a database given by URL is used once (each run needs an empty database); use --db sqlite or --db postgres for repeated runs");
                    }

                    // The bench sells its cards and adds its merchants into the database: never into a centre's data.
                    EmptyDatabase.Require(Storage.DatabaseUrl.Parse(options.Target, "--db"), "bench clearing");
                }

                if ((options.Records + options.Cards - 1) / options.Cards > MaxCountersPerCard)
                {
                    throw new UsageException($"--cards: {options.Records:N0} records over {options.Cards:N0} cards need more than {MaxCountersPerCard:N0} transactions per card (a card counter has 16 bits); use at least {(options.Records + MaxCountersPerCard - 1) / MaxCountersPerCard:N0} cards");
                }

                try
                {
                    return ClearingBench.Run(context.Out, options);
                }
                catch (InvalidOperationException e)
                {
                    throw new CliFailure($"bench clearing: {e.Message}", e);
                }
            }));
        return bench;
    }

    private static int Count(string? text, string option, int fallback, int max)
    {
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1 || value > max)
        {
            throw new UsageException($"{option}: '{text}' is not a whole number from 1 to {max:N0}");
        }

        return value;
    }
}
