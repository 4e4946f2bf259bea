using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CityCard.Clearing;
using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Storage;
using CityCard.Clearing.Verification;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Storage;

namespace CityCard.Cli.Commands;

/// <summary>
/// The clearing centre without HTTP (docs/clearing.md): <c>db migrate</c>, <c>clear</c>, <c>settle</c>, <c>audit</c>.
/// The registry commands are in <see cref="CentreCommands"/>.
/// </summary>
internal static class ClearingCommands
{
    // The extension terminals give their batch files (TerminalCore.BatchFileName); a folder given to 'clear' yields only these.
    private const string BatchFileExtension = ".ccb";

    private static readonly EnumerationOptions BatchFilesInFolders = new()
    {
        RecurseSubdirectories = true,
        MatchCasing = MatchCasing.CaseInsensitive,
        MatchType = MatchType.Simple,
        IgnoreInaccessible = false,
        AttributesToSkip = FileAttributes.None,
    };

    public static Command BuildDb(CliContext context)
    {
        var db = new Command("db", "The clearing database (SQLite file or PostgreSQL server).");
        var url = DbOption();
        var cutOff = Options.Optional("--cutoff", "business-day cut-off HH:MM, China Standard Time (stored; default 00:00)");
        var gapWaiting = Options.Optional("--gap-waiting-days", $"days a reserved gap may stay open before 'centre gaps' and the audit report it (stored; default {Settings.DefaultGapWaitingDays})");
        db.Subcommands.Add(new Command("migrate", "Create or upgrade the schema (SQLite is also migrated whenever it is opened).")
            .With(url, cutOff, gapWaiting)
            .Does(parse =>
            {
                var cut = parse.GetValue(cutOff) is { } text ? BusinessCalendar.ParseCutOff(text, "--cutoff") : (TimeSpan?)null;
                var waiting = parse.GetValue(gapWaiting) is { } days ? Arguments.Integer(days, "--gap-waiting-days", 0, Settings.MaxGapWaitingDays) : (long?)null;
                using var store = Open(parse.GetValue(url), migrate: true);
                store.Write(w =>
                {
                    if (cut is { } value)
                    {
                        w.SetSetting(Settings.CutOff, new BusinessCalendar(value).FormatCutOff());
                    }

                    if (waiting is { } period)
                    {
                        w.SetSetting(Settings.GapWaitingDays, period.ToString(CultureInfo.InvariantCulture));
                    }

                    return 0;
                });

                var calendar = store.Read(Settings.Calendar);
                var waitingDays = store.Read(Settings.GapWaiting);
                context.Out.WriteLine($"{store.Description}: schema up to date; business day cut-off {calendar.FormatCutOff()} China Standard Time; gaps reported after {waitingDays} days");
                return ExitCodes.Ok;
            }));
        return db;
    }

    public static Command BuildClear(CliContext context)
    {
        var url = DbOption();
        var keys = KeysOption();
        var json = Options.Flag("--json", "one JSON receipt per file per line");
        var paths = new Argument<string[]>("PATH") { Description = "batch files, or folders whose batch files (*.ccb, subfolders too) are cleared in name order", Arity = ArgumentArity.OneOrMore };
        var command = new Command("clear", "Ingest batch files through the verification pipeline (the same as an upload, without HTTP). Exit 1 when a file is refused.");
        command.Arguments.Add(paths);
        return command.With(url, keys, json).Does(parse =>
        {
            var files = ExpandPaths(parse.GetValue(paths)!);
            var keySet = LoadKeySet(context, parse.GetValue(keys));
            using var store = Open(parse.GetValue(url));
            var service = new ClearingService(store, keySet.Upload, keySet.Ring, TimeProvider.System);
            var refused = 0;
            var index = 0;

            // Files are committed up to 8 to a transaction (each with its own receipt, printed once its group committed): a
            // file's records are decided while the previous file's are written, the next file read and verified meanwhile.
            foreach (var result in service.IngestAll(files.Select(BatchFileReader.Read), ClearingService.BulkFilesPerTransaction))
            {
                var file = files[index++];
                refused += result.Receipt.Status == BatchStatus.Refused ? 1 : 0;
                context.Out.WriteLine(parse.GetValue(json) ? ReceiptJson(file, result).ToJsonString() : Describe(file, result));
            }

            return refused == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
    }

    public static Command BuildSettle(CliContext context)
    {
        var url = DbOption();
        var date = Options.Required("--date", "the business day YYYY-MM-DD");
        var output = Options.Optional("--out", "folder for the settlement CSV file (default ./settlement)");
        return new Command("settle", "Settle a business day that has ended: statements per merchant, a CSV file, and a reconciliation; a difference refuses the settlement (nothing paid, exit 1) naming every difference. Idempotent.")
            .With(url, date, output)
            .Does(parse =>
            {
                var day = ParseDate(parse.GetValue(date)!);
                var folder = parse.GetValue(output) ?? "settlement";
                var path = Path.Combine(folder, SettlementCsv.FileName(day));
                using var store = Open(parse.GetValue(url));
                // The file's folder is checked before anything is settled, so a bad --out does not leave a settled day
                // without its file.
                WritableFolder(folder, "--out");
                var (report, replayed) = Run(() => new SettlementService(store, TimeProvider.System).Settle(day));
                if (!report.Reconciled && !replayed)
                {
                    context.Error.WriteLine($"settlement {day:yyyy-MM-dd} REFUSED: the reconciliation found {report.Differences.Count} differences; nothing was settled, posted or paid, and the day stays open until they are put right");
                    foreach (var difference in report.Differences)
                    {
                        context.Error.WriteLine("  " + difference);
                    }

                    return ExitCodes.Failed;
                }

                try
                {
                    File.WriteAllText(path, SettlementCsv.Format(report));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliFailure($"--out {folder}: the day is settled, but its file could not be written ({e.Message}); run the same command again with a writable --out to write it", e);
                }

                context.Out.WriteLine($"settlement {day:yyyy-MM-dd}{(replayed ? " (already settled; stored report)" : string.Empty)}: {report.Batches} batches, {report.Statements.Count} statements, net paid {report.NetFen} fen -> {path}");
                foreach (var s in report.Statements)
                {
                    context.Out.WriteLine(FormattableString.Invariant($"  {s.MerchantId} {s.Name} [{s.Category}, {s.CommissionBps} bps]: purchases {s.Purchases}, gross {s.GrossFen}, discount {s.DiscountFen}, subsidy {s.ConcessionSubsidyFen}, commission {s.CommissionFen}, net {s.NetFen}; loads {s.Loads} ({s.LoadsFen} fen), of which claims {s.Claims} ({s.ClaimsFen} fen), cash to remit {s.RemittanceFen} fen"));
                }

                if (report.Reconciled)
                {
                    context.Out.WriteLine("reconciliation: no differences");
                    return ExitCodes.Ok;
                }

                // Only a settlement stored before failed reconciliations were refused can be replayed with differences.
                context.Error.WriteLine($"reconciliation FAILED: {report.Differences.Count} differences");
                foreach (var difference in report.Differences)
                {
                    context.Error.WriteLine("  " + difference);
                }

                return ExitCodes.Failed;
            });
    }

    // Creates the folder if needed and proves a file can be written in it; exit 1 naming the option otherwise.
    private static void WritableFolder(string folder, string option)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".citycard-write-check-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure($"{option} {folder}: cannot write a file there ({e.Message}); nothing was settled", e);
        }
    }

    public static Command BuildAudit(CliContext context)
    {
        var url = DbOption();
        var json = Options.Flag("--json", "JSON: one entry per invariant with ok, figures and differences");
        return new Command("audit", "Check every DESIGN.md §6 invariant over the whole database; exit 1 if any fails.")
            .With(url, json)
            .Does(parse =>
            {
                using var store = Open(parse.GetValue(url));
                var report = store.Read(r => r.Audit(TimeProvider.System.GetUtcNow()));
                context.Out.Write(parse.GetValue(json) ? report.ToJson() + Environment.NewLine : report.ToText());
                return report.Ok ? ExitCodes.Ok : ExitCodes.Failed;
            });
    }

    public static Command BuildServe(CliContext context)
    {
        var url = DbOption();
        var keys = KeysOption();
        var urls = Options.Optional("--urls", "where to listen (default http://127.0.0.1:5080)");
        var perMinute = Options.Optional("--requests-per-minute", $"requests one client address (IPv6: its /64) may make a minute before 429 (default {Server.ServerOptions.DefaultRequestsPerMinute}; terminals behind one gateway share it)");
        var proxies = new Option<string[]>("--trusted-proxy") { Description = "a reverse proxy's address or network (ADDRESS or ADDRESS/PREFIX) whose X-Forwarded-For names the client (repeat; default none)", Arity = ArgumentArity.ZeroOrMore };
        var gatewaySecret = Options.Optional("--gateway-secret-file", $"file holding the payment gateway's shared secret as hex (at least {Server.ServerOptions.MinGatewaySecretBytes} bytes); default: the public DEMO secret with the demo key sets, none with --keys (payment notifications refused)");
        return new Command("serve", "Run the clearing-centre HTTP server: batch upload, blacklist download, cards, records, settlement, audit (docs/clearing.md).")
            .With(url, keys, urls, perMinute, proxies, gatewaySecret)
            .Does(parse =>
            {
                var requestsPerMinute = parse.GetValue(perMinute) is { } limit ? (int)Arguments.Integer(limit, "--requests-per-minute", 1, 1_000_000) : Server.ServerOptions.DefaultRequestsPerMinute;
                var trusted = (parse.GetValue(proxies) ?? []).Select(TrustedProxy).ToArray();
                var secret = parse.GetValue(gatewaySecret) is { } secretPath ? ReadGatewaySecret(secretPath) : null;
                var production = parse.GetValue(keys) is not null;
                var keySet = LoadKeySet(context, parse.GetValue(keys));
                var options = new Server.ServerOptions
                {
                    Database = parse.GetValue(url) ?? DatabaseUrl.Default,
                    UploadKeySet = keySet.Upload,
                    TacKeys = keySet.Ring,
                    IssuerKeySets = keySet.Sets,
                    ParameterKey = KeysCommands.ParameterKey(keySet.Upload),
                    RequestsPerMinute = requestsPerMinute,
                    TrustedProxies = trusted,

                    // The public demo secret only goes with the public demo key sets; a production centre needs its own.
                    PaymentGatewaySecret = secret ?? (production ? null : Clearing.Lifecycle.GatewaySignature.DemoSecret),
                };
                DatabaseUrl.Parse(options.Database, "--db");
                ListenUrls.Check(parse.GetValue(urls) ?? "http://127.0.0.1:5080");
                Microsoft.AspNetCore.Builder.WebApplication app;
                try
                {
                    app = Server.ClearingServer.Build(options, ["--urls", parse.GetValue(urls) ?? "http://127.0.0.1:5080"]);
                }
                catch (StorageException e)
                {
                    throw new CliFailure(e.Message, e);
                }

                context.Error.WriteLine($"citycard: clearing centre on {parse.GetValue(urls) ?? "http://127.0.0.1:5080"} over {DatabaseUrl.Parse(options.Database).Description}");
                if (secret is null)
                {
                    context.Error.WriteLine(production
                        ? "citycard: warning: no payment gateway secret is configured (--gateway-secret-file), so POST /api/payments/notify refuses every payment notification (503)"
                        : "citycard: warning: payment notifications are accepted under the public DEMO gateway secret (not for production; set --gateway-secret-file)");
                }

                var operators = ((Clearing.Operators.OperatorDirectory)app.Services.GetService(typeof(Clearing.Operators.OperatorDirectory))!).List();
                if (!operators.Any(o => o.RevokedUtc is null))
                {
                    context.Error.WriteLine("citycard: no back-office operator has a valid token, so the back-office endpoints will refuse every request; add one with: citycard centre operator add --db URL --name NAME --role supervisor");
                }

                Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.RunAsync(app, context.Stopping).GetAwaiter().GetResult();
                return ExitCodes.Ok;
            });
    }

    // The gateway's shared secret: hex in a file (whitespace around it ignored). The errors never show the file's content.
    private static byte[] ReadGatewaySecret(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"--gateway-secret-file {path}: cannot read it ({e.Message})");
        }

        byte[] secret;
        try
        {
            secret = Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new UsageException($"--gateway-secret-file {path}: the content is not hex digits (the payment gateway's shared secret written as an even number of hex digits)");
        }

        return secret.Length >= Server.ServerOptions.MinGatewaySecretBytes
            ? secret
            : throw new UsageException($"--gateway-secret-file {path}: the secret is {secret.Length} bytes; it must be at least {Server.ServerOptions.MinGatewaySecretBytes} bytes ({2 * Server.ServerOptions.MinGatewaySecretBytes} hex digits)");
    }

    private static System.Net.IPNetwork TrustedProxy(string text)
    {
        try
        {
            return Server.ClientAddress.ParseProxy(text, "--trusted-proxy");
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    internal static Option<string?> DbOption() => Options.Optional("--db", $"database URL: sqlite:PATH or postgresql://user:pass@host:port/dbname (default {DatabaseUrl.Default})");

    internal static Option<string?> ParameterKeysOption() => Options.Optional("--keys", "encrypted production key-set file whose parameter-signing key signs the files (passphrase from CITYCARD_KEK or a prompt); default the public DEMO signing key");

    internal static Option<string?> KeysOption() => Options.Optional("--keys", "encrypted production key-set file (passphrase from CITYCARD_KEK or a prompt); default the public DEMO key sets");

    /// <summary>
    /// Opens the store; problems with the database become exit code 1, a malformed URL exit code 2. Only
    /// <paramref name="migrate"/> (<c>db migrate</c>, <c>simulate</c>) creates a SQLite file that is not there: every
    /// other command works on an existing centre, so a mistyped path is refused instead of becoming a new empty database.
    /// </summary>
    internal static IClearingStore Open(string? url, bool migrate = false)
    {
        var parsed = DatabaseUrl.Parse(url ?? DatabaseUrl.Default, "--db");
        if (!migrate && parsed.SqlitePath is { } path && !File.Exists(path))
        {
            throw new CliFailure($"no database at {path}; create it with: citycard db migrate --db sqlite:{path}");
        }

        try
        {
            return ClearingStores.Open(parsed, migrate);
        }
        catch (StorageException e)
        {
            throw new CliFailure(e.Message, e);
        }
    }

    /// <summary>Runs a clearing operation, turning a refused request into exit code 1.</summary>
    internal static T Run<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (ClearingInputException e)
        {
            throw new CliFailure(e.Message, e);
        }
    }

    internal static DateOnly ParseDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new UsageException($"--date: '{text}' is not a date YYYY-MM-DD");

    private static (IssuerKeySet Upload, TacKeyRing Ring, IReadOnlyList<IssuerKeySet> Sets) LoadKeySet(CliContext context, string? path)
    {
        if (path is null)
        {
            return (DemoKeySet.Create(EpAlgorithm.Des), TacKeyRing.Demo(), [DemoKeySet.Create(EpAlgorithm.Des), DemoKeySet.Create(EpAlgorithm.Sm4)]);
        }

        var keySet = KeysCommands.LoadKeySet(context, path);
        return (keySet, new TacKeyRing([keySet]), [keySet]);
    }

    private static List<string> ExpandPaths(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                // Only batch files (*.ccb, as terminals name them in their outbox), in this folder and its subfolders: a
                // terminal's folder also holds its journal, parameters, lock and terminal.json with its upload key.
                var batches = Directory.EnumerateFiles(path, "*" + BatchFileExtension, BatchFilesInFolders).Order(StringComparer.Ordinal).ToList();
                if (batches.Count == 0)
                {
                    throw new CliFailure($"{path}: no batch files (*{BatchFileExtension}) in the folder or its subfolders; name a batch file to clear it whatever its name");
                }

                files.AddRange(batches);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new UsageException($"PATH: '{path}' is neither a file nor a folder");
            }
        }

        return files;
    }

    private static string Describe(string file, IngestResult result)
    {
        var r = result.Receipt;
        var batch = r.DeviceId is { } device ? $"device {device} batch {r.BatchNumber}" : "unidentified batch";
        var again = result.Replayed ? " (already received: stored answer)" : string.Empty;
        if (r.Status == BatchStatus.Refused)
        {
            return $"{file}: {batch} REFUSED ({r.Refusal!.Value.Name()}){again}: {r.Message}";
        }

        var t = r.Totals;
        return FormattableString.Invariant(
            $"{file}: {batch} cleared{again}: accepted {t.Accepted} ({t.AcceptedFen} fen), duplicate {t.Duplicate} ({t.DuplicateFen} fen), rejected {t.Rejected} ({t.RejectedFen} fen), suspect {t.Suspect} ({t.SuspectFen} fen)");
    }

    private static JsonObject ReceiptJson(string file, IngestResult result)
    {
        var r = result.Receipt;
        return new JsonObject
        {
            ["file"] = file,
            ["sha256"] = r.FileSha256,
            ["device"] = r.DeviceId,
            ["batch"] = r.BatchNumber,
            ["status"] = r.Status.ToString().ToLowerInvariant(),
            ["refusal"] = r.Refusal is { } refusal ? refusal.Name() : null,
            ["message"] = r.Message,
            ["businessDate"] = r.BusinessDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["replayed"] = result.Replayed,
            ["accepted"] = r.Totals.Accepted,
            ["acceptedFen"] = r.Totals.AcceptedFen,
            ["duplicate"] = r.Totals.Duplicate,
            ["duplicateFen"] = r.Totals.DuplicateFen,
            ["rejected"] = r.Totals.Rejected,
            ["rejectedFen"] = r.Totals.RejectedFen,
            ["suspect"] = r.Totals.Suspect,
            ["suspectFen"] = r.Totals.SuspectFen,
        };
    }
}
