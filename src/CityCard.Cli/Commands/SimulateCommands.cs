using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CityCard.Simulation;
using CityCard.Simulation.Presets;
using CityCard.Storage;
using Spectre.Console;

namespace CityCard.Cli.Commands;

/// <summary><c>citycard simulate</c> and <c>citycard demo</c>: a city's days through the real cards, terminals and centre.</summary>
internal static class SimulateCommands
{
    // The file that marks an output folder as the simulator's own, so a later run may delete it.
    private const string Marker = ".citycard-simulation";

    private static readonly string[] OwnEntries = [Marker, "bills.json", "centre.db", "centre.db-wal", "centre.db-shm", "centre.db-journal", "settlement", "terminals"];

    public static Command BuildSimulate(CliContext context)
    {
        var preset = Options.Optional("--preset", "tiny, jilin or a preset JSON file (default tiny)");
        var days = Options.Optional("--days", "days to simulate, 1..366 (default 1)");
        var seed = Options.Optional("--seed", "random seed (default 1); the same seed and options give the same batch and settlement files");
        var faults = Options.Optional("--faults", "default (all faults on), none, or a JSON file of rates (default: default)");
        var scale = Options.Optional("--scale", "scale the preset's counts, e.g. 0.1 (default 1)");
        var db = Options.Optional("--db", "the centre's database, an EMPTY one: sqlite:PATH or postgresql://user:pass@host:port/dbname (default sqlite:OUT/centre.db, in the --out folder)");
        var output = Options.Optional("--out", "output folder: terminals, batches, settlement files, centre database (default ./data/simulation; recreated when an earlier run made it, any other non-empty folder refused)");
        var json = Options.Flag("--json", "print a JSON summary for scripts");
        return new Command("simulate", "Simulate a city's days through the real cards, PSAMs, terminals, batch files and clearing centre, with faults; check every invariant.")
            .With(preset, days, seed, faults, scale, db, output, json)
            .Does(parse =>
            {
                var city = LoadPreset(parse.GetValue(preset) ?? "tiny", parse.GetValue(scale));
                var rates = LoadFaults(parse.GetValue(faults) ?? "default");
                var dayCount = (int)Arguments.Integer(parse.GetValue(days) ?? "1", "--days", 1, 366);
                var seedValue = (int)Arguments.Integer(parse.GetValue(seed) ?? "1", "--seed", 0, int.MaxValue);
                var folder = parse.GetValue(output) ?? Path.Combine("data", "simulation");
                var result = Run(context, city, rates, dayCount, seedValue, folder, parse.GetValue(db), parse.GetValue(json));
                if (parse.GetValue(json))
                {
                    context.Out.WriteLine(ToJson(result).ToJsonString());
                }
                else
                {
                    PrintSummary(context, result, folder);
                }

                return result.Ok ? ExitCodes.Ok : ExitCodes.Failed;
            });
    }

    public static Command BuildDemo(CliContext context)
    {
        var output = Options.Optional("--out", "the demo folder (default ./data/demo; recreated on every run when an earlier run made it, any other non-empty folder refused)");
        var urls = Options.Optional("--urls", "where the centre's API listens afterwards (default http://127.0.0.1:5080)");
        var noServe = Options.Flag("--no-serve", "print the summary and exit instead of serving the API");
        return new Command("demo", "The one-command tour: simulate a scaled-down Jilin day with faults, clear and settle it, print the summary, then serve the centre's API.")
            .With(output, urls, noServe)
            .Does(parse =>
            {
                var folder = parse.GetValue(output) ?? Path.Combine("data", "demo");
                var listen = parse.GetValue(urls) ?? "http://127.0.0.1:5080";
                if (!parse.GetValue(noServe))
                {
                    // Before the simulation, which takes a while: a busy or malformed address is named now.
                    ListenUrls.Check(listen);
                }

                var city = PresetCatalog.City("jilin").Scaled(0.1);
                var result = Run(context, city, FaultRates.Default, 1, 20261102, folder, null, json: false);
                PrintSummary(context, result, folder);
                if (!result.Ok)
                {
                    return ExitCodes.Failed;
                }

                if (parse.GetValue(noServe))
                {
                    return ExitCodes.Ok;
                }

                var app = Server.ClearingServer.Build(new Server.ServerOptions { Database = Database(folder, null), PaymentGatewaySecret = Clearing.Lifecycle.GatewaySignature.DemoSecret }, ["--urls", listen]);
                // The back office needs an operator's token; the demo database (recreated on every run) gets one to try it with.
                var token = ((Clearing.Operators.OperatorDirectory)app.Services.GetService(typeof(Clearing.Operators.OperatorDirectory))!)
                    .Add("demo-supervisor", Clearing.Operators.OperatorRole.Supervisor, "citycard-demo");
                context.Out.WriteLine($"The clearing centre's API is serving the simulated day on {listen} (API reference: {listen}/api/docs). Press Ctrl-C to stop.");
                context.Out.WriteLine($"Back-office token of operator demo-supervisor (DEMO database only, made afresh each run): {token}");
                context.Out.WriteLine($"  e.g. curl -H 'Authorization: Bearer {token}' {listen}/api/audit");
                app.Run();
                return ExitCodes.Ok;
            });
    }

    private static SimulationResult Run(CliContext context, CityPreset city, FaultRates rates, int days, int seed, string folder, string? db, bool json)
    {
        if (db is not null)
        {
            // Checked before the folder is touched: the simulator sells made-up cards into the database it is given.
            EmptyDatabase.Require(DatabaseUrl.Parse(db, "--db"), "simulate");
        }

        Recreate(context, folder);
        var url = Database(folder, db);
        using var store = ClearingCommands.Open(url, migrate: true);
        context.Error.WriteLine($"citycard: simulating {days} day(s) of '{city.Name}' ({city.Cards:N0} cards), seed {seed}, centre on {DatabaseUrl.Parse(url).Description}");
        var lastStage = string.Empty;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // Reported where it happens, not posted to the thread pool as Progress<T> does: a line posted late could be written
        // after the command returned and its output was closed.
        var progress = new InlineProgress<(string Stage, double Fraction)>(p =>
        {
            if (!json && p.Stage != lastStage)
            {
                lastStage = p.Stage;
                context.Error.WriteLine($"  {watch.Elapsed.TotalSeconds,6:0.0} s  {p.Stage}…");
            }
        });
        return SimulationRunner.Run(city, rates, days, seed, folder, store, progress);
    }

    /// <summary>
    /// Makes the output folder afresh. An existing folder is deleted only when the simulator made it (its marker file, or
    /// the layout of a run from before the marker: terminals, bills.json and nothing but the simulator's own files) or
    /// when it is empty; any other folder is an operator's and is refused, untouched.
    /// </summary>
    private static void Recreate(CliContext context, string folder)
    {
        if (File.Exists(folder))
        {
            throw new CliFailure($"--out {folder}: is a file, not a folder");
        }

        if (Directory.Exists(folder))
        {
            var entries = Directory.EnumerateFileSystemEntries(folder).Select(e => Path.GetFileName(e)).Order(StringComparer.Ordinal).ToList();
            var made = entries.Contains(Marker) || (entries.Contains("terminals") && entries.Contains("bills.json") && entries.All(OwnEntries.Contains));
            if (entries.Count > 0 && !made)
            {
                throw new CliFailure($"--out {folder}: the folder holds files the simulator did not make ({string.Join(", ", entries.Take(5))}{(entries.Count > 5 ? ", …" : string.Empty)}); it is left as it is: name a new or empty folder, or remove it yourself");
            }

            context.Error.WriteLine(entries.Count > 0 ? $"citycard: {folder} exists from an earlier run; recreating it" : $"citycard: using the empty folder {folder}");
            Directory.Delete(folder, recursive: true);
        }
        else
        {
            context.Error.WriteLine($"citycard: creating {folder}");
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, Marker), "Made by citycard simulate/demo: the next run with this --out deletes this folder and makes it afresh.\n");
    }

    private static string Database(string folder, string? db) => db ?? $"sqlite:{Path.Combine(folder, "centre.db")}";

    private static CityPreset LoadPreset(string name, string? scale)
    {
        var preset = PresetCatalog.City(name);
        if (scale is null)
        {
            return preset;
        }

        if (!double.TryParse(scale, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) || factor is <= 0 or > 10)
        {
            throw new UsageException($"--scale: '{scale}' is not a number in (0, 10]");
        }

        return preset.Scaled(factor);
    }

    private static FaultRates LoadFaults(string name) => PresetCatalog.Faults(name);

    private static void PrintSummary(CliContext context, SimulationResult r, string folder)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Out),
            Ansi = ReferenceEquals(context.Out, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
        });
        var t = r.Truth;
        var last = r.Days[^1];
        console.Write(new Rule($"[bold]CityCard — {Markup.Escape(r.Preset)}, {r.Days.Count} day(s), seed {r.Seed}[/]"));
        var overview = new Table().AddColumns("", "");
        overview.HideHeaders();
        overview.AddRow("Cards", $"{r.Cards:N0} ({t.CardsSold} sold during the run)");
        overview.AddRow("Terminals", $"{r.Terminals:N0}");
        var tapSeconds = r.Days.Sum(d => d.TapsElapsed.TotalSeconds);
        var clearSeconds = r.Days.Sum(d => d.ClearingElapsed.TotalSeconds);
        overview.AddRow("Taps and visits", $"{r.Events:N0} in {tapSeconds:0.0} s ({r.Events / Math.Max(0.001, tapSeconds):N0}/s through cards, PSAMs and journals)");
        overview.AddRow("Wall time", $"{r.Elapsed.TotalSeconds:0.0} s in all; closing, uploading, clearing and settling {clearSeconds:0.0} s");
        overview.AddRow("Records", $"{t.GenuineRecords:N0} transactions ({Terminals.Common.PurchaseTerminal.Yuan(t.GenuineFen)}), {t.AccessEvents:N0} door events, {t.Batches:N0} batches");
        overview.AddRow("Centre", $"{r.Centre.Accepted:N0} accepted, {r.Centre.Duplicate:N0} duplicate, {r.Centre.Rejected:N0} rejected, {r.Centre.Suspect:N0} suspect; {r.RefusedFiles} files refused");
        var floatFigure = last.Audit.Invariants.FirstOrDefault(i => i.Number == 2)?.Figures.FirstOrDefault().Value;
        if (floatFigure is { } cardFloat)
        {
            overview.AddRow("Card float", Terminals.Common.PurchaseTerminal.Yuan(Math.Abs(cardFloat)));
        }

        console.Write(overview);
        var revenue = new Table().Title("Revenue by operator (last day's settlement)").AddColumns("Merchant / operator", "Category", "Purchases", "Gross", "Net paid");
        foreach (var s in last.Settlement.Statements.OrderByDescending(s => s.GrossFen).Take(10))
        {
            revenue.AddRow(Markup.Escape(s.Name), Markup.Escape(s.Category), s.Purchases.ToString("N0", CultureInfo.InvariantCulture), Terminals.Common.PurchaseTerminal.Yuan(s.GrossFen), Terminals.Common.PurchaseTerminal.Yuan(s.NetFen));
        }

        console.Write(revenue);
        var faults = new Table().Title("Faults injected and caught").AddColumns("Fault", "Injected", "Caught by");
        faults.AddRow("Torn transactions", t.TornTransactions.ToString(CultureInfo.InvariantCulture), $"{t.Recovered} recovered with GET TRANSACTION PROVE");
        faults.AddRow("Terminal crashes mid-write", t.TerminalCrashes.ToString(CultureInfo.InvariantCulture), "torn journal tails cut off, nothing acknowledged lost");
        faults.AddRow("Forged records", t.ForgedRecords.ToString(CultureInfo.InvariantCulture), $"{r.Centre.Rejected} rejected (bad TAC)");
        faults.AddRow("Cloned cards", $"{t.ClonedCards} ({t.CloneUses} uses)", $"{r.Centre.Suspect} records suspect");
        faults.AddRow("Tampered batch files", t.TamperedBatches.ToString(CultureInfo.InvariantCulture), $"{r.RefusedFiles} refused (file MAC)");
        faults.AddRow("Duplicate uploads", t.DuplicateUploads.ToString(CultureInfo.InvariantCulture), $"{r.ReplayedUploads} answered from the first receipt");
        faults.AddRow("Late / lost batches", $"{t.LateBatches} / {t.LostBatches}", "delivered later, gaps filled");
        faults.AddRow("Skewed terminal clocks", t.SkewedTerminals.ToString(CultureInfo.InvariantCulture), "accepted within the date window");
        faults.AddRow("Lost cards", $"{t.LossReports} reported", $"{t.LostCardUsesBeforeBlacklist} uses before the blacklist arrived, {t.LostCardUsesRefused} refused after; {t.Replacements} replaced, {Terminals.Common.PurchaseTerminal.Yuan(t.RecoveredFen)} recovered");
        faults.AddRow("Duplicate payment notifications", t.DuplicatePaymentNotifications.ToString(CultureInfo.InvariantCulture), $"{t.OnlineTopUps} online top-ups ({Terminals.Common.PurchaseTerminal.Yuan(t.OnlineTopUpFen)}) credited once each; {t.CreditsClaimed} pending credits written at outlets");
        console.Write(faults);
        var checks = new Table().Title("Checks (last day)").AddColumns("Check", "Result", "Detail");
        foreach (var check in r.Checks[^1])
        {
            checks.AddRow(Markup.Escape(check.Name), check.Ok ? "[green]OK[/]" : "[red]FAILED[/]", Markup.Escape(check.Detail));
        }

        console.Write(checks);
        var failed = r.Checks.SelectMany((day, i) => day.Where(c => !c.Ok).Select(c => $"day {i + 1}: {c.Name}: {c.Detail}")).ToList();
        context.Out.WriteLine(failed.Count == 0
            ? $"All checks passed. Batches and settlement files are in {folder}."
            : $"FAILED (seed {r.Seed}):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", failed)}");
    }

    private static JsonObject ToJson(SimulationResult r)
    {
        var t = r.Truth;
        var days = new JsonArray();
        for (var i = 0; i < r.Days.Count; i++)
        {
            var checks = new JsonArray();
            foreach (var c in r.Checks[i])
            {
                checks.Add(new JsonObject { ["name"] = c.Name, ["ok"] = c.Ok, ["detail"] = c.Detail });
            }

            days.Add(new JsonObject
            {
                ["date"] = r.Days[i].Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["events"] = r.Days[i].Events,
                ["accepted"] = r.Days[i].Outcomes.Accepted,
                ["checks"] = checks,
            });
        }

        return new JsonObject
        {
            ["preset"] = r.Preset,
            ["seed"] = r.Seed,
            ["ok"] = r.Ok,
            ["cards"] = r.Cards,
            ["terminals"] = r.Terminals,
            ["events"] = r.Events,
            ["elapsedSeconds"] = Math.Round(r.Elapsed.TotalSeconds, 3),
            ["tapSeconds"] = Math.Round(r.Days.Sum(d => d.TapsElapsed.TotalSeconds), 3),
            ["clearingSeconds"] = Math.Round(r.Days.Sum(d => d.ClearingElapsed.TotalSeconds), 3),
            ["groundTruth"] = new JsonObject
            {
                ["genuine"] = t.GenuineRecords,
                ["genuineFen"] = t.GenuineFen,
                ["access"] = t.AccessEvents,
                ["forged"] = t.ForgedRecords,
                ["cloneUses"] = t.CloneUses,
                ["clonedCards"] = t.ClonedCards,
                ["duplicateUploads"] = t.DuplicateUploads,
                ["lateBatches"] = t.LateBatches,
                ["lostBatches"] = t.LostBatches,
                ["tamperedBatches"] = t.TamperedBatches,
                ["torn"] = t.TornTransactions,
                ["recovered"] = t.Recovered,
                ["terminalCrashes"] = t.TerminalCrashes,
                ["skewedTerminals"] = t.SkewedTerminals,
                ["lossReports"] = t.LossReports,
                ["lostCardUsesBeforeBlacklist"] = t.LostCardUsesBeforeBlacklist,
                ["lostCardUsesRefused"] = t.LostCardUsesRefused,
                ["cardsSold"] = t.CardsSold,
                ["onlineTopUps"] = t.OnlineTopUps,
                ["onlineTopUpFen"] = t.OnlineTopUpFen,
                ["duplicatePaymentNotifications"] = t.DuplicatePaymentNotifications,
                ["creditsClaimed"] = t.CreditsClaimed,
                ["creditsClaimedFen"] = t.CreditsClaimedFen,
                ["replacements"] = t.Replacements,
                ["recoveredFen"] = t.RecoveredFen,
                ["batches"] = t.Batches,
            },
            ["centre"] = new JsonObject
            {
                ["accepted"] = r.Centre.Accepted,
                ["duplicate"] = r.Centre.Duplicate,
                ["rejected"] = r.Centre.Rejected,
                ["suspect"] = r.Centre.Suspect,
                ["refusedFiles"] = r.RefusedFiles,
                ["replayedUploads"] = r.ReplayedUploads,
            },
            ["days"] = days,
        };
    }

    // Calls the handler on the reporting thread, one report at a time.
    private sealed class InlineProgress<T>(Action<T> handler) : IProgress<T>
    {
        private readonly Lock gate = new();

        public void Report(T value)
        {
            lock (gate)
            {
                handler(value);
            }
        }
    }
}
