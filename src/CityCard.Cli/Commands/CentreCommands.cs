using System.CommandLine;
using System.Globalization;
using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Registry;
using CityCard.Records;
using CityCard.Security.Ep;

namespace CityCard.Cli.Commands;

/// <summary><c>citycard centre …</c>: the clearing centre's registry of merchants, devices and cards, and its held records.</summary>
internal static class CentreCommands
{
    private static readonly Dictionary<string, DeviceKind> DeviceKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bus"] = DeviceKind.BusValidator,
        ["pos"] = DeviceKind.MerchantPos,
        ["taxi-meter"] = DeviceKind.TaxiMeter,
        ["taxi-collector"] = DeviceKind.TaxiCollector,
        ["outlet"] = DeviceKind.TopUpOutlet,
        ["kiosk"] = DeviceKind.UtilityKiosk,
        ["door"] = DeviceKind.DoorReader,
    };

    public static Command Build(CliContext context)
    {
        var centre = new Command("centre", "The clearing centre's registry: merchants and operators, devices, cards and the blacklist; parameter files; held records and long-open gaps.");
        var merchant = new Command("merchant", "Merchants and operators (who is paid, at what commission).");
        merchant.Subcommands.Add(MerchantAdd(context));
        merchant.Subcommands.Add(MerchantList(context));
        var device = new Command("device", "Terminals and collectors allowed to upload (their upload keys are derived, never stored).");
        device.Subcommands.Add(DeviceAdd(context));
        device.Subcommands.Add(DeviceRevoke(context));
        device.Subcommands.Add(DeviceList(context));
        var card = new Command("card", "Cards: sale, lookup, loss (blacklist) and cancellation.");
        card.Subcommands.Add(CardAdd(context));
        card.Subcommands.Add(CardShow(context));
        card.Subcommands.Add(CardLost(context));
        card.Subcommands.Add(CardFound(context));
        card.Subcommands.Add(CardCancel(context));
        centre.Subcommands.Add(merchant);
        centre.Subcommands.Add(device);
        centre.Subcommands.Add(card);
        centre.Subcommands.Add(Blacklist(context));
        centre.Subcommands.Add(CentreParameterCommands.Params(context));
        centre.Subcommands.Add(CentreParameterCommands.Gaps(context));
        centre.Subcommands.Add(Records(context));
        centre.Subcommands.Add(Review(context));
        centre.Subcommands.Add(CentreOperatorCommands.Operator(context));
        return centre;
    }

    private static Command MerchantAdd(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var id = Options.Required("--id", "merchant or operator id (the id records and batch headers carry)");
        var name = Options.Required("--name", "display name");
        var category = Options.Required("--category", "category: transport, taxi, supermarket, restaurant, utility, outlet…");
        var bps = Options.Optional("--commission-bps", "contract commission rate in basis points 0..10000 (default 0)");
        return new Command("add", "Register a merchant or operator.").With(db, id, name, category, bps).Does(parse =>
        {
            var merchantId = (uint)Arguments.Integer(parse.GetValue(id), "--id", 1, uint.MaxValue);
            var rate = (int)Arguments.Integer(parse.GetValue(bps) ?? "0", "--commission-bps", 0, Merchant.MaxCommissionBps);
            using var store = ClearingCommands.Open(parse.GetValue(db));
            var added = ClearingCommands.Run(() => new CentreRegistry(store, TimeProvider.System).AddMerchant(merchantId, parse.GetValue(name)!, parse.GetValue(category)!, rate));
            context.Out.WriteLine($"merchant {added.MerchantId} '{added.Name}' ({added.Category}, {added.CommissionBps} bps) registered");
            return ExitCodes.Ok;
        });
    }

    private static Command MerchantList(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        return new Command("list", "List merchants and operators.").With(db).Does(parse =>
        {
            using var store = ClearingCommands.Open(parse.GetValue(db));
            foreach (var m in store.Read(r => r.Merchants()))
            {
                context.Out.WriteLine($"{m.MerchantId}\t{m.Name}\t{m.Category}\t{m.CommissionBps} bps");
            }

            return ExitCodes.Ok;
        });
    }

    private static Command DeviceAdd(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var id = Options.Required("--id", "device id (header bytes 12..15; its upload key derives from it)");
        var kind = Options.Required("--kind", $"device kind: {string.Join(", ", DeviceKinds.Keys)}");
        var operatorId = Options.Required("--operator", "the operator or merchant that owns it (registered first)");
        var terminal = Options.Optional("--terminal", "its PSAM terminal number, 12 hex digits (omit for a collector)");
        return new Command("add", "Register a terminal or collector.").With(db, id, kind, operatorId, terminal).Does(parse =>
        {
            var deviceId = (uint)Arguments.Integer(parse.GetValue(id), "--id", 0, uint.MaxValue);
            var deviceKind = DeviceKinds.TryGetValue(parse.GetValue(kind)!, out var k) ? k : throw new UsageException($"--kind: '{parse.GetValue(kind)}' is not one of {string.Join(", ", DeviceKinds.Keys)}");
            var owner = (uint)Arguments.Integer(parse.GetValue(operatorId), "--operator", 1, uint.MaxValue);
            var psam = parse.GetValue(terminal) is { } text ? TerminalId.Parse(text, "--terminal") : new TerminalId(0);
            using var store = ClearingCommands.Open(parse.GetValue(db));
            var device = ClearingCommands.Run(() => new CentreRegistry(store, TimeProvider.System).AddDevice(deviceId, deviceKind, owner, psam));
            context.Out.WriteLine($"device {device.DeviceId} ({device.Kind}, operator {device.OperatorId}, PSAM {device.PsamTerminal}) registered");
            return ExitCodes.Ok;
        });
    }

    private static Command DeviceRevoke(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var id = Options.Required("--id", "device id");
        return new Command("revoke", "Revoke a device: its uploads are refused from now on.").With(db, id).Does(parse =>
        {
            var deviceId = (uint)Arguments.Integer(parse.GetValue(id), "--id", 0, uint.MaxValue);
            using var store = ClearingCommands.Open(parse.GetValue(db));
            ClearingCommands.Run(() =>
            {
                new CentreRegistry(store, TimeProvider.System).RevokeDevice(deviceId);
                return 0;
            });
            context.Out.WriteLine($"device {deviceId} revoked");
            return ExitCodes.Ok;
        });
    }

    private static Command DeviceList(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        return new Command("list", "List devices with their status and the blacklist version they last had.").With(db).Does(parse =>
        {
            using var store = ClearingCommands.Open(parse.GetValue(db));
            foreach (var d in store.Read(r => r.Devices()))
            {
                context.Out.WriteLine($"{d.DeviceId}\t{d.Kind}\toperator {d.OperatorId}\tPSAM {d.PsamTerminal}\t{d.Status}\tblacklist v{d.BlacklistVersion}");
            }

            return ExitCodes.Ok;
        });
    }

    private static Command CardAdd(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var asn = Options.Required("--asn", "the card's ASN, 16 hex digits");
        var city = Options.Optional("--city", "city code, 4 hex digits (default 2144)");
        var type = Options.Optional("--type", "card type byte 0..255 (default 1)");
        var deposit = Options.Optional("--deposit", "deposit taken, fen (default 0)");
        var balance = Options.Optional("--balance", "balance on the card when sold, fen (default 0)");
        var offline = Options.Optional("--offline-counter", "the card's offline counter when sold (default 0)");
        var online = Options.Optional("--online-counter", "the card's online counter when sold (default 0)");
        var outlet = Options.Required("--outlet", "the outlet operator that sold it and took the cash");
        return new Command("add", "Register a sold card (deposit and opening balance are posted against the outlet's cash).")
            .With(db, asn, city, type, deposit, balance, offline, online, outlet)
            .Does(parse =>
            {
                var cardAsn = Asn.Parse(parse.GetValue(asn), "--asn");
                var cityCode = CityCode.Parse(parse.GetValue(city) ?? "2144", "--city");
                var cardType = (byte)Arguments.Integer(parse.GetValue(type) ?? "1", "--type", 0, 255);
                var depositFen = Arguments.Integer(parse.GetValue(deposit) ?? "0", "--deposit", 0, CentreRegistry.MaxDepositFen);
                var balanceFen = Arguments.Integer(parse.GetValue(balance) ?? "0", "--balance", 0, EpPurse.MaxBalanceFen);
                var offlineCounter = (int)Arguments.Integer(parse.GetValue(offline) ?? "0", "--offline-counter", 0, ushort.MaxValue);
                var onlineCounter = (int)Arguments.Integer(parse.GetValue(online) ?? "0", "--online-counter", 0, ushort.MaxValue);
                var outletId = (uint)Arguments.Integer(parse.GetValue(outlet), "--outlet", 1, uint.MaxValue);
                using var store = ClearingCommands.Open(parse.GetValue(db));
                ClearingCommands.Run(() => new CentreRegistry(store, TimeProvider.System).SellCard(cardAsn, cityCode, cardType, depositFen, balanceFen, offlineCounter, onlineCounter, outletId));
                context.Out.WriteLine($"card {cardAsn} registered: balance {balanceFen} fen, deposit {depositFen} fen");
                return ExitCodes.Ok;
            });
    }

    private static Command CardShow(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var asn = Options.Required("--asn", "the card's ASN, 16 hex digits");
        return new Command("show", "Show a card: status, shadow balance, counters, gaps and cleared history.").With(db, asn).Does(parse =>
        {
            var cardAsn = Asn.Parse(parse.GetValue(asn), "--asn");
            using var store = ClearingCommands.Open(parse.GetValue(db));
            var card = store.Read(r => r.FindCard(cardAsn)) ?? throw new CliFailure($"card {cardAsn} is not registered");
            context.Out.WriteLine(FormattableString.Invariant(
                $"card {card.Asn} city {card.City} type {card.CardType}: {card.Status}, shadow balance {card.ShadowBalanceFen} fen, deposit {card.DepositFen} fen, next offline counter {card.OfflineNext}, next online counter {card.OnlineNext}, open gaps {card.OpenGaps}{(card.BlacklistedVersion is { } v ? $", blacklisted in version {v}" : string.Empty)}"));
            foreach (var stored in store.Read(r => r.CardHistory(cardAsn)))
            {
                var record = stored.Record;
                context.Out.WriteLine(FormattableString.Invariant(
                    $"  {record.Order.Time} {record.Kind} #{record.Key.Counter} {record.AmountFen} fen ({record.BalanceBeforeFen} -> {record.BalanceAfterFen}) device {stored.DeviceId} batch {stored.BatchNumber}: {record.Outcome.Name()} ({record.Reason.Name()})"));
            }

            return ExitCodes.Ok;
        });
    }

    private static Command CardLost(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var asn = Options.Required("--asn", "the card's ASN, 16 hex digits");
        var reason = Options.Optional("--reason", "why (default 'reported lost')");
        return new Command("lost", "Report a card lost: it goes on the blacklist under the next version.").With(db, asn, reason).Does(parse =>
        {
            var cardAsn = Asn.Parse(parse.GetValue(asn), "--asn");
            using var store = ClearingCommands.Open(parse.GetValue(db));
            var version = ClearingCommands.Run(() => new CentreRegistry(store, TimeProvider.System).ReportLost(cardAsn, parse.GetValue(reason) ?? "reported lost"));
            context.Out.WriteLine($"card {cardAsn} blacklisted in version {version}");
            return ExitCodes.Ok;
        });
    }

    private static Command CardFound(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var asn = Options.Required("--asn", "the card's ASN, 16 hex digits");
        var reason = Options.Optional("--reason", "why (default 'found')");
        return new Command("found", "Take a lost card off the blacklist (a new version that removes it).").With(db, asn, reason).Does(parse =>
        {
            var cardAsn = Asn.Parse(parse.GetValue(asn), "--asn");
            using var store = ClearingCommands.Open(parse.GetValue(db));
            var version = ClearingCommands.Run(() => new CentreRegistry(store, TimeProvider.System).Unblock(cardAsn, parse.GetValue(reason) ?? "found"));
            context.Out.WriteLine($"card {cardAsn} taken off the blacklist in version {version}");
            return ExitCodes.Ok;
        });
    }

    private static Command Blacklist(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var after = Options.Optional("--after", "list only the changes after this version (a terminal's delta); default all");
        return new Command("blacklist", "List blacklist changes by version (add or remove, card, reason).").With(db, after).Does(parse =>
        {
            var version = (uint)Arguments.Integer(parse.GetValue(after) ?? "0", "--after", 0, uint.MaxValue);
            using var store = ClearingCommands.Open(parse.GetValue(db));
            foreach (var entry in store.Read(r => r.Blacklist(version)))
            {
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"v{entry.Version}\t{entry.Action.ToString().ToLowerInvariant()}\t{entry.Asn}\t{entry.Reason}\t{entry.AddedUtc:yyyy-MM-dd HH:mm:ss}Z"));
            }

            return ExitCodes.Ok;
        });
    }

    private static Command CardCancel(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var asn = Options.Required("--asn", "the card's ASN, 16 hex digits");
        return new Command("cancel", "Cancel a card: every later record of it is rejected.").With(db, asn).Does(parse =>
        {
            var cardAsn = Asn.Parse(parse.GetValue(asn), "--asn");
            using var store = ClearingCommands.Open(parse.GetValue(db));
            ClearingCommands.Run(() =>
            {
                new CentreRegistry(store, TimeProvider.System).Cancel(cardAsn);
                return 0;
            });
            context.Out.WriteLine($"card {cardAsn} cancelled");
            return ExitCodes.Ok;
        });
    }

    private static Command Review(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var device = Options.Required("--device", "the uploading device id");
        var batch = Options.Required("--batch", "its batch number");
        var record = Options.Required("--record", "the record's position in the batch, from 0 (as 'centre records' lists it)");
        var decision = Options.Required("--decision", "accept or reject");
        var reason = Options.Required("--reason", "why, in words (stored with the decision)");
        var reviewer = Options.Optional("--operator", "who decides, for the operator log (default cli:<login name>)");
        return new Command("review", "Decide a suspect record: accept (it is posted) or reject, with a reason.")
            .With(db, device, batch, record, decision, reason, reviewer)
            .Does(parse =>
            {
                var deviceId = (uint)Arguments.Integer(parse.GetValue(device), "--device", 0, uint.MaxValue);
                var batchNumber = (uint)Arguments.Integer(parse.GetValue(batch), "--batch", 1, uint.MaxValue);
                var index = (int)Arguments.Integer(parse.GetValue(record), "--record", 0, 999_999);
                var choice = parse.GetValue(decision)!.ToLowerInvariant() switch
                {
                    "accept" => Clearing.Pipeline.ReviewDecision.Accept,
                    "reject" => Clearing.Pipeline.ReviewDecision.Reject,
                    var other => throw new UsageException($"--decision: '{other}' is not accept or reject"),
                };
                using var store = ClearingCommands.Open(parse.GetValue(db));
                var stored = ClearingCommands.Run(() => new Clearing.Pipeline.SuspectReview(store, TimeProvider.System).Decide(deviceId, batchNumber, index, choice, parse.GetValue(reason)!, parse.GetValue(reviewer) ?? "cli:" + Environment.UserName));
                context.Out.WriteLine($"device {deviceId} batch {batchNumber} record {index}: {stored.Record.Outcome.Name()} ({stored.Record.Reason.Name()})");
                return ExitCodes.Ok;
            });
    }

    private static Command Records(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var outcome = Options.Optional("--outcome", "accepted, duplicate, rejected or suspect (default suspect)");
        var limit = Options.Optional("--limit", "most records to list (default 100)");
        return new Command("records", "List stored records with an outcome (suspects held for review by default).").With(db, outcome, limit).Does(parse =>
        {
            var name = parse.GetValue(outcome) ?? "suspect";
            var wanted = Enum.GetValues<RecordOutcome>().FirstOrDefault(o => string.Equals(o.Name(), name, StringComparison.OrdinalIgnoreCase));
            if (wanted == 0)
            {
                throw new UsageException($"--outcome: '{name}' is not accepted, duplicate, rejected or suspect");
            }

            var most = (int)Arguments.Integer(parse.GetValue(limit) ?? "100", "--limit", 1, 100_000);
            using var store = ClearingCommands.Open(parse.GetValue(db));
            foreach (var stored in store.Read(r => r.RecordsByOutcome(wanted, most)))
            {
                var r = stored.Record;
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"device {stored.DeviceId} batch {stored.BatchNumber} record {r.Index}: card {r.Key.Asn} {r.Kind} #{r.Key.Counter} {r.AmountFen} fen at {r.Order.Time}: {r.Reason.Name()}"));
            }

            return ExitCodes.Ok;
        });
    }
}
