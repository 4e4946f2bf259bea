using System.CommandLine;
using System.Globalization;
using CityCard.Clearing;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Settlement;
using CityCard.Server.Parameters;
using CityCard.Terminals.Parameters;

namespace CityCard.Cli.Commands;

/// <summary>
/// <c>citycard centre params …</c> (the parameter files the centre publishes: content, current version, pickup log) and
/// <c>citycard centre gaps</c> (the long-open gaps alarm). Parameters are signed with the DEMO key, as the server does.
/// </summary>
internal static class CentreParameterCommands
{
    public static Command Params(CliContext context)
    {
        var group = new Command("params", "The signed parameter file the centre publishes to terminals: content, current version, pickups.");
        group.Subcommands.Add(Set(context));
        group.Subcommands.Add(Show(context));
        group.Subcommands.Add(Pickups(context));
        return group;
    }

    public static Command Gaps(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var olderThan = Options.Optional("--older-than", $"list gaps open longer than this many days (default: the stored waiting period, {Settings.DefaultGapWaitingDays} unless set with 'db migrate --gap-waiting-days')");
        var limit = Options.Optional("--limit", "most gaps to list (default 1000)");
        return new Command("gaps", "Cards whose reserved gaps (a record still missing) have been open longer than the waiting period.").With(db, olderThan, limit).Does(parse =>
        {
            int? days = parse.GetValue(olderThan) is { } text ? (int)Arguments.Integer(text, "--older-than", 0, Settings.MaxGapWaitingDays) : null;
            var most = (int)Arguments.Integer(parse.GetValue(limit) ?? "1000", "--limit", 1, 100_000);
            using var store = ClearingCommands.Open(parse.GetValue(db));
            var found = new GapAlarm(store, TimeProvider.System).Find(days, most);
            var cards = found.ByCard;
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{found.Gaps.Count}{(found.Truncated ? "+" : string.Empty)} gaps on {cards.Count} cards open longer than {found.WaitingDays} days (opened at or before {found.OpenedBefore:yyyy-MM-dd HH:mm:ss} UTC)"));
            foreach (var card in cards)
            {
                var oldest = card.Min(g => g.OpenedUtc);
                var counters = string.Join(", ", card.Select(g => $"{g.Kind.ToString().ToLowerInvariant()} #{g.Counter}"));
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"card {card.Key}: {card.Count()} open since {(oldest is { } o ? o.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "an unknown time")}: {counters}"));
            }

            return ExitCodes.Ok;
        });
    }

    private static Command Set(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var file = Options.Required("--file", "JSON parameter content: bus, concessions, merchantDiscounts, taxi, doors, acceptedKeyVersions (not the version or blacklist, which the centre sets)");
        var note = Options.Optional("--note", "why (stored with the content)");
        var keys = ClearingCommands.ParameterKeysOption();
        return new Command("set", "Set the parameter content the centre publishes; terminals get it (with the blacklist) at their next fetch.").With(db, file, note, keys).Does(parse =>
        {
            var path = parse.GetValue(file)!;
            byte[] bytes;
            if (Directory.Exists(path))
            {
                throw new UsageException($"--file {path}: is a folder, not a parameter file");
            }

            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--file {path}: cannot read it ({e.Message})");
            }

            try
            {
                ParameterPublisher.ParseContent(bytes);
            }
            catch (ClearingInputException e)
            {
                throw new UsageException($"--file {path}: {e.Message}");
            }

            using var store = ClearingCommands.Open(parse.GetValue(db));
            var publisher = new ParameterPublisher(store, KeysCommands.ParameterKey(context, parse.GetValue(keys)), TimeProvider.System);
            var content = ClearingCommands.Run(() => publisher.SetContent(bytes, parse.GetValue(note) ?? $"from {Path.GetFileName(path)}"));
            var publication = publisher.Publish();
            context.Out.WriteLine($"parameter content {content.ContentVersion} set; published as parameter version {publication.Version} (blacklist version {publication.BlacklistVersion})");
            return ExitCodes.Ok;
        });
    }

    private static Command Show(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var output = Options.Optional("--out", "also write the current full signed parameter file here (for a terminal loaded by hand)");
        var content = Options.Flag("--content", "print the content JSON (what 'params set --file' takes)");
        var keys = ClearingCommands.ParameterKeysOption();
        return new Command("show", "The current parameter version (published now if the content or the blacklist changed).").With(db, output, content, keys).Does(parse =>
        {
            using var store = ClearingCommands.Open(parse.GetValue(db));
            var publisher = new ParameterPublisher(store, KeysCommands.ParameterKey(context, parse.GetValue(keys)), TimeProvider.System);
            var publication = publisher.Publish();
            var (file, parameters) = publisher.FullFile(publication);

            // With --content, standard output is the content alone (saved to a file, it is what 'params set --file'
            // takes); the status lines go to standard error.
            var showContent = parse.GetValue(content);
            var status = showContent ? context.Error : context.Out;
            status.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parameter version {publication.Version}: content {publication.ContentVersion}{(publication.ContentVersion == 0 ? " (factory)" : string.Empty)}, blacklist version {publication.BlacklistVersion} ({parameters.Blacklist.Count} cards), published {publication.PublishedUtc:yyyy-MM-dd HH:mm:ss} UTC"));
            if (showContent)
            {
                context.Out.WriteLine(ParameterPublisher.FormatContent(parameters));
            }

            if (parse.GetValue(output) is { } path)
            {
                try
                {
                    File.WriteAllBytes(path, file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliFailure($"--out {path}: cannot write the file ({e.Message})", e);
                }

                status.WriteLine($"full signed file written to {path}");
            }

            return ExitCodes.Ok;
        });
    }

    private static Command Pickups(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var device = Options.Optional("--device", "only this device id");
        var limit = Options.Optional("--limit", "most pickups to list (default 100)");
        return new Command("pickups", "When each device received each parameter version (newest first).").With(db, device, limit).Does(parse =>
        {
            uint? deviceId = parse.GetValue(device) is { } text ? (uint)Arguments.Integer(text, "--device", 0, uint.MaxValue) : null;
            var most = (int)Arguments.Integer(parse.GetValue(limit) ?? "100", "--limit", 1, 100_000);
            using var store = ClearingCommands.Open(parse.GetValue(db));
            var pickups = store.Read(r => r.ParameterPickups(deviceId, most));
            if (pickups.Count == 0)
            {
                context.Out.WriteLine("no pickups");
            }

            foreach (var p in pickups)
            {
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.PickedUpUtc:yyyy-MM-dd HH:mm:ss} UTC\tdevice {p.DeviceId}\tparameter version {p.Version}\tblacklist version {p.BlacklistVersion}\t{(p.Delta ? "delta" : "full")}"));
            }

            return ExitCodes.Ok;
        });
    }
}
