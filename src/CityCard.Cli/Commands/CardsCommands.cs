using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CityCard.Clearing;
using CityCard.Clearing.Lifecycle;
using CityCard.Clearing.Storage;
using CityCard.Security.Ep;

namespace CityCard.Cli.Commands;

/// <summary>
/// <c>citycard cards …</c>: the card lifecycle at the centre (docs/lifecycle.md) — products, sale, loss and found,
/// replacement, refund, adjustments with maker-checker, renewal and product change, statements, online top-up, the
/// healer and the operator log. Every operation takes <c>--operator</c> and <c>--request-id</c> (a replay with the same
/// id returns the first answer). Refusals exit 1; wrong arguments exit 2.
/// </summary>
internal static class CardsCommands
{
    private static readonly JsonSerializerOptions Pretty = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Build(CliContext context)
    {
        var cards = new Command("cards", "The card lifecycle: products, sale, loss, replacement, refund, top-up, renewal (docs/lifecycle.md).");
        cards.Subcommands.Add(Products(context));
        cards.Subcommands.Add(Sale(context));
        cards.Subcommands.Add(Operation(context, "lost", "Report a registered card lost (name and ID number checked): blacklisted at once.", true, false, (l, op, asn, p) => l.ReportLoss(op, asn, p.Identity!)));
        cards.Subcommands.Add(Operation(context, "found", "Withdraw a loss report before replacement: taken off the blacklist.", true, false, (l, op, asn, p) => l.Found(op, asn, p.Identity!)));
        cards.Subcommands.Add(Operation(context, "replace", "Replace a lost card after the waiting period: new card, pending credit, loss statement.", true, true, (l, op, asn, p) => l.Replace(op, asn, p.Identity!, p.Outlet!.Value)));
        cards.Subcommands.Add(Refund(context));
        cards.Subcommands.Add(Adjust(context));
        cards.Subcommands.Add(Decide(context, "approve"));
        cards.Subcommands.Add(Decide(context, "decline"));
        cards.Subcommands.Add(Approvals(context));
        cards.Subcommands.Add(Operation(context, "renew", "Renew a concession after the holder's entitlement was verified.", true, false, (l, op, asn, p) => l.Renew(op, asn, p.Identity!)));
        cards.Subcommands.Add(Change(context));
        cards.Subcommands.Add(Statement(context));
        cards.Subcommands.Add(TopUp(context));
        cards.Subcommands.Add(Credits(context));
        cards.Subcommands.Add(Heal(context));
        cards.Subcommands.Add(Log(context));
        return cards;
    }

    internal static Option<string?> ProductsOption() => Options.Optional("--products", "product file (JSON, docs/lifecycle.md); default the built-in presets/products.json");

    internal static ProductCatalog LoadCatalog(string? path)
    {
        try
        {
            return ProductCatalog.Load(path);
        }
        catch (ClearingInputException e)
        {
            throw new UsageException("--products: " + e.Message);
        }
    }

    private static Command Products(CliContext context)
    {
        var products = ProductsOption();
        return new Command("products", "List the card products and the lifecycle policy in force (validates a --products file).").With(products).Does(parse =>
        {
            var catalog = LoadCatalog(parse.GetValue(products));
            context.Out.WriteLine($"products from {catalog.Source}");
            foreach (var p in catalog.Products)
            {
                var concession = p.Concession is { } c ? $", concession pays {c.PayPercent}%{(c.OffPeakOnly ? " off-peak" : string.Empty)}, verified every {p.VerificationMonths} months" : string.Empty;
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Name}\t{p.CardType}\t{(p.Registered ? "registered" : "anonymous")}\tdeposit {p.DepositFen} fen\t{p.ValidityYears} years\toverdraft {p.OverdraftLimitFen} fen{concession}"));
            }

            var y = catalog.Policy;
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"policy: waiting {y.WaitingPeriodDays} days, refund fee {y.RefundFeeFen} fen, replacement fee {y.ReplacementFeeFen} fen, approval above {y.ApprovalAboveFen} fen, pending credits refunded after {y.PendingCreditDays} days, load authorisations expire after {y.LoadAuthorisationMinutes} minutes"));
            return ExitCodes.Ok;
        });
    }

    private static Command Sale(CliContext context)
    {
        var common = new Common();
        var product = Options.Required("--product", "product name (citycard cards products)");
        var outlet = Options.Required("--outlet", "the outlet operator that sells it and takes the deposit");
        var city = Options.Optional("--city", "city code, 4 digits (default 2144)");
        var output = Options.Optional("--out", "also personalise the card into this card file (demo keys unless --keys)");
        var keys = ClearingCommands.KeysOption();
        return common.AddTo(new Command("sale", "Sell a card of a product: the centre allocates the ASN (with check digit) and posts the deposit."), true).With(product, outlet, city, output, keys).Does(parse =>
        {
            var p = common.Read(parse, needsIdentity: false, outletOption: null);
            var outletId = (uint)Arguments.Integer(parse.GetValue(outlet), "--outlet", 1, uint.MaxValue);
            var cityCode = parse.GetValue(city) is { } text ? CityCode.Parse(text, "--city") : (CityCode?)null;
            var path = parse.GetValue(output);
            var keySet = path is null ? null : CardFiles.KeySet(context, parse.GetValue(keys), Security.Ep.EpAlgorithm.Des);
            var existing = path is null ? null : LifecycleCards.CheckNewCardFile(path, "--out", parse.GetValue(common.RequestId));

            using var store = ClearingCommands.Open(parse.GetValue(common.Db));
            var lifecycle = new CardLifecycle(store, p.Catalog, TimeProvider.System);
            var sale = ClearingCommands.Run(() => lifecycle.Sell(p.Request, parse.GetValue(product)!, outletId, p.Identity, cityCode));
            if (path is not null)
            {
                LifecycleCards.WriteSold(keySet!, sale, path, existing, "--out", p.Request.RequestId);
            }

            Print(context, p.Json, sale, $"card {sale.Asn} sold: {sale.Product} ({sale.CardType}), deposit {sale.DepositFen} fen, valid until {sale.ValidUntil:yyyy-MM-dd}{(sale.ConcessionValidUntil is { } c ? $", concession until {c:yyyy-MM-dd}" : string.Empty)}{(parse.GetValue(output) is { } f ? $"; personalised into {f}" : string.Empty)}");
            return ExitCodes.Ok;
        });
    }

    private static Command Operation<T>(CliContext context, string name, string description, bool identity, bool outlet, Func<CardLifecycle, OperatorRequest, Asn, Parsed, T> work)
        where T : class => Operation(context, name, description, identity, outlet, [], (l, op, asn, p, _) => work(l, op, asn, p));

    private static Command Operation<T>(CliContext context, string name, string description, bool identity, bool outlet, Option[] extra, Func<CardLifecycle, OperatorRequest, Asn, Parsed, ParseResult, T> work)
        where T : class
    {
        var common = new Common();
        var asn = Options.Required("--asn", "the card's ASN, 16 hex digits");
        var outletOption = outlet ? Options.Required("--outlet", "the outlet operator at whose counter it happens") : null;
        var command = common.AddTo(new Command(name, description), identity).With(asn).With(extra);
        if (outletOption is not null)
        {
            command.Options.Add(outletOption);
        }

        return command.Does(parse =>
        {
            var p = common.Read(parse, identity, outletOption);
            var card = Asn.Parse(parse.GetValue(asn), "--asn");
            using var store = ClearingCommands.Open(parse.GetValue(common.Db));
            var answer = ClearingCommands.Run(() => work(new CardLifecycle(store, p.Catalog, TimeProvider.System), p.Request, card, p, parse));
            Print(context, p.Json, answer, Summary(answer));
            return ExitCodes.Ok;
        });
    }

    private static Command Refund(CliContext context)
    {
        var balance = Options.Optional("--card-balance", "the balance read from the card, fen (card present); omit for a lost registered card after the waiting period");
        return Operation(context, "refund", "Refund and close a card: deposit + balance − fee paid out at the outlet; maker-checker above the policy amount.", true, true, [balance], (l, op, asn, p, parse) =>
        {
            var fen = parse.GetValue(balance) is { } text ? Arguments.Integer(text, "--card-balance", 0, int.MaxValue) : (long?)null;
            return l.Refund(op, asn, fen, p.Outlet!.Value, p.Identity);
        });
    }

    private static Command Change(CliContext context)
    {
        var product = Options.Required("--product", "the new product");
        return Operation(context, "change", "Change a card's product (the outlet writes the new card type); deposit difference in cash.", true, true, [product], (l, op, asn, p, parse) =>
            l.ChangeProduct(op, asn, parse.GetValue(product)!, p.Outlet!.Value, p.Identity));
    }

    private static Command Adjust(CliContext context)
    {
        var common = new Common();
        var asn = Options.Required("--asn", "the card's ASN, 16 hex digits");
        var amount = Options.Required("--amount", "amount to credit, fen (written to the card at its next load visit)");
        var reason = Options.Required("--reason", "why (stored in the operator log)");
        return common.AddTo(new Command("adjust", "Credit a manual adjustment as a pending credit; above the policy amount a second operator approves."), false).With(asn, amount, reason).Does(parse =>
        {
            var p = common.Read(parse, needsIdentity: false, outletOption: null);
            var card = Asn.Parse(parse.GetValue(asn), "--asn");
            var fen = Arguments.Integer(parse.GetValue(amount), "--amount", 1, 100_000_00);
            using var store = ClearingCommands.Open(parse.GetValue(common.Db));
            var answer = ClearingCommands.Run(() => new CardLifecycle(store, p.Catalog, TimeProvider.System).Adjust(p.Request, card, fen, parse.GetValue(reason)!));
            Print(context, p.Json, answer, Summary(answer));
            return ExitCodes.Ok;
        });
    }

    private static Command Decide(CliContext context, string name)
    {
        var common = new Common();
        var id = Options.Required("--approval", "the approval id");
        return common.AddTo(new Command(name, $"{(name == "approve" ? "Approve" : "Decline")} a held refund or adjustment as a second, different operator."), false).With(id).Does(parse =>
        {
            var p = common.Read(parse, needsIdentity: false, outletOption: null);
            var approvalId = Arguments.Integer(parse.GetValue(id), "--approval", 1, long.MaxValue);
            using var store = ClearingCommands.Open(parse.GetValue(common.Db));
            var lifecycle = new CardLifecycle(store, p.Catalog, TimeProvider.System);
            var answer = ClearingCommands.Run(() => name == "approve" ? lifecycle.Approve(p.Request, approvalId) : lifecycle.Decline(p.Request, approvalId));
            Print(context, p.Json, answer, $"approval {answer.ApprovalId} ({answer.Operation} asked by {answer.Maker}) {answer.Status} by {answer.Checker}{(answer.Refund is { } r ? "; " + Summary(r) : answer.Adjustment is { } a ? "; " + Summary(a) : string.Empty)}");
            return ExitCodes.Ok;
        });
    }

    private static Command Approvals(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        return new Command("approvals", "List refunds and adjustments waiting for a second operator.").With(db).Does(parse =>
        {
            using var store = ClearingCommands.Open(parse.GetValue(db));
            foreach (var a in store.Read(r => r.PendingApprovals()))
            {
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{a.ApprovalId}\t{a.Operation}\tcard {a.Subject}\t{a.AmountFen} fen\tasked by {a.Maker}\t{a.CreatedUtc:yyyy-MM-dd HH:mm:ss}Z"));
            }

            return ExitCodes.Ok;
        });
    }

    private static Command Statement(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var asn = Options.Required("--asn", "the lost card's ASN");
        var json = Options.Flag("--json", "the statement as JSON");
        return new Command("statement", "A lost card's loss statement: how the recoverable value is computed, line by line, to the fen.").With(db, asn, json).Does(parse =>
        {
            var card = Asn.Parse(parse.GetValue(asn), "--asn");
            using var store = ClearingCommands.Open(parse.GetValue(db));
            var s = ClearingCommands.Run(() => new CardLifecycle(store, ProductCatalog.Default, TimeProvider.System).Statement(card));
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(JsonSerializer.Serialize(s, Pretty));
                return ExitCodes.Ok;
            }

            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loss statement of card {s.Asn} ({(s.Final ? "final" : "provisional")}, {s.ComputedUtc:yyyy-MM-dd HH:mm:ss}Z)"));
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  reported lost {s.LostUtc:yyyy-MM-dd HH:mm:ss}Z, blacklist version {s.BlacklistVersion}; balance at the report {s.BalanceAtReportFen} fen"));
            foreach (var l in s.Lines)
            {
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {l.CardDateTime} {l.Kind} #{l.Counter} {l.AmountFen} fen device {l.DeviceId} batch {l.BatchNumber} (received {l.ReceivedUtc:yyyy-MM-dd HH:mm}Z): {l.EffectFen:+#;-#;0} fen -> {l.RunningFen} fen — {l.Explanation}"));
            }

            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  recoverable value {s.RecoverableFen} fen"));
            return ExitCodes.Ok;
        });
    }

    private static Command TopUp(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var payment = Options.Required("--payment-id", "the payment's id (idempotency key)");
        var asn = Options.Required("--asn", "the card paid for");
        var amount = Options.Required("--amount", "amount paid, fen");
        var products = ProductsOption();
        return new Command("topup", "Record an online payment (as the gateway's notification would): a pending credit for the card's next outlet visit.").With(db, payment, asn, amount, products).Does(parse =>
        {
            var card = Asn.Parse(parse.GetValue(asn), "--asn");
            var fen = Arguments.Integer(parse.GetValue(amount), "--amount", 1, 100_000_00);
            var catalog = LoadCatalog(parse.GetValue(products));
            using var store = ClearingCommands.Open(parse.GetValue(db));
            var answer = ClearingCommands.Run(() => new OnlineTopUps(store, catalog.Policy, TimeProvider.System).Notify(parse.GetValue(payment)!, card, fen));
            context.Out.WriteLine($"payment {answer.PaymentId}: {answer.AmountFen} fen credited to card {answer.Asn} as pending credit {answer.PendingCreditId}");
            return ExitCodes.Ok;
        });
    }

    private static Command Credits(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var asn = Options.Required("--asn", "the card");
        return new Command("credits", "A card's pending credits (online payments, recovered value, adjustments) and their status.").With(db, asn).Does(parse =>
        {
            var card = Asn.Parse(parse.GetValue(asn), "--asn");
            using var store = ClearingCommands.Open(parse.GetValue(db));
            foreach (var c in store.Read(r => r.PendingCredits(card)))
            {
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.CreditId}\t{c.Source}\t{c.Reference}\t{c.AmountFen} fen\t{c.Status.ToString().ToLowerInvariant()}\t{c.CreatedUtc:yyyy-MM-dd HH:mm:ss}Z"));
            }

            return ExitCodes.Ok;
        });
    }

    private static Command Heal(CliContext context)
    {
        var common = new Common();
        return common.AddTo(new Command("heal", "The paid-but-not-loaded healer: refund unclaimed online payments after the policy's days, expire stale load authorisations; prints the report."), false).Does(parse =>
        {
            var p = common.Read(parse, needsIdentity: false, outletOption: null);
            using var store = ClearingCommands.Open(parse.GetValue(common.Db));
            var report = ClearingCommands.Run(() => new OnlineTopUps(store, p.Catalog.Policy, TimeProvider.System).Heal(p.Request));
            if (p.Json)
            {
                context.Out.WriteLine(JsonSerializer.Serialize(report, Pretty));
                return ExitCodes.Ok;
            }

            foreach (var line in report.Refunded.Concat(report.Kept))
            {
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"credit {line.CreditId} card {line.Asn} {line.Reference} {line.AmountFen} fen (since {line.CreatedUtc:yyyy-MM-dd}): {line.Note}"));
            }

            foreach (var load in report.ExpiredLoads)
            {
                context.Out.WriteLine($"load expired: {load}");
            }

            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Refunded.Count} credits refunded ({report.RefundedFen} fen), {report.Kept.Count} kept, {report.ExpiredLoads.Count} load authorisations expired"));
            return ExitCodes.Ok;
        });
    }

    private static Command Log(CliContext context)
    {
        var db = ClearingCommands.DbOption();
        var after = Options.Optional("--after", "entries after this sequence (default 0)");
        var limit = Options.Optional("--limit", "at most this many (default 100)");
        return new Command("log", "The hash-chained operator log: who did what, when, before and after (citycard audit checks the chain).").With(db, after, limit).Does(parse =>
        {
            var from = Arguments.Integer(parse.GetValue(after) ?? "0", "--after", 0, long.MaxValue);
            var count = (int)Arguments.Integer(parse.GetValue(limit) ?? "100", "--limit", 1, 10_000);
            using var store = ClearingCommands.Open(parse.GetValue(db));
            foreach (var e in store.Read(r => r.OperatorLog(from, count)))
            {
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e.Sequence}\t{e.AtUtc:yyyy-MM-dd HH:mm:ss}Z\t{e.Operator}\t{e.Action}\t{e.Subject}\t{e.Before} -> {e.After}\trequest {e.RequestId}\t{e.Hash[..16]}"));
            }

            return ExitCodes.Ok;
        });
    }

    private static void Print<T>(CliContext context, bool json, T answer, string summary) =>
        context.Out.WriteLine(json ? JsonSerializer.Serialize(answer, Pretty) : summary);

    private static string Summary(object answer) => answer switch
    {
        LossAnswer a => string.Create(CultureInfo.InvariantCulture, $"card {a.Asn} reported lost: blacklisted in version {a.BlacklistVersion}; shadow balance {a.ShadowBalanceFen} fen; replaceable from {a.ReplaceableFromUtc:yyyy-MM-dd HH:mm:ss}Z"),
        FoundAnswer a => $"card {a.Asn} found: taken off the blacklist in version {a.BlacklistVersion}",
        ReplacementAnswer a => string.Create(CultureInfo.InvariantCulture, $"card {a.OldAsn} replaced by {a.NewCard.Asn}: {a.RecoveredFen} fen recovered as a pending credit{(a.TransferredCreditsFen == 0 ? string.Empty : $", its unwritten pending credits ({a.TransferredCreditsFen} fen) moved with it")}, fee {a.FeeFen} fen (citycard cards statement --asn {a.OldAsn})"),
        RefundAnswer { Status: "awaiting-approval" } a => string.Create(CultureInfo.InvariantCulture, $"refund of card {a.Asn} ({a.PaidOutFen} fen) needs a second operator: approval {a.ApprovalId}"),
        RefundAnswer { Status: "declined" } a => string.Create(CultureInfo.InvariantCulture, $"refund of card {a.Asn} ({a.PaidOutFen} fen) was declined by the second operator (approval {a.ApprovalId}); nothing paid out"),
        RefundAnswer a => string.Create(CultureInfo.InvariantCulture, $"card {a.Asn} refunded: deposit {a.DepositFen} + balance {a.BalanceFen}{(a.CreditsFen == 0 ? string.Empty : $" + pending credits {a.CreditsFen}")} − fee {a.FeeFen} = {a.PaidOutFen} fen paid out; card closed"),
        AdjustmentAnswer { Status: "awaiting-approval" } a => string.Create(CultureInfo.InvariantCulture, $"adjustment of {a.AmountFen} fen for card {a.Asn} needs a second operator: approval {a.ApprovalId}"),
        AdjustmentAnswer { Status: "declined" } a => string.Create(CultureInfo.InvariantCulture, $"adjustment of {a.AmountFen} fen for card {a.Asn} was declined by the second operator (approval {a.ApprovalId})"),
        AdjustmentAnswer a => string.Create(CultureInfo.InvariantCulture, $"{a.AmountFen} fen credited to card {a.Asn} as pending credit {a.PendingCreditId}"),
        RenewalAnswer a => $"card {a.Asn} ({a.Product}): concession renewed until {a.ConcessionValidUntil:yyyy-MM-dd}",
        ProductChangeAnswer a => string.Create(CultureInfo.InvariantCulture, $"card {a.Asn}: {a.FromProduct} -> {a.ToProduct}; write card type {a.CardType} ({a.CardTypeCode:X2}) to the card; deposit difference {a.DepositDifferenceFen} fen"),
        _ => answer.ToString() ?? string.Empty,
    };

    /// <summary>What an operation command parsed.</summary>
    internal sealed record Parsed(OperatorRequest Request, ProductCatalog Catalog, HolderIdentity? Identity, uint? Outlet, bool Json);

    /// <summary>The options every operation takes.</summary>
    private sealed class Common
    {
        public Option<string?> Db { get; } = ClearingCommands.DbOption();

        public Option<string> Operator { get; } = Options.Required("--operator", "who acts (recorded in the operator log)");

        public Option<string?> RequestId { get; } = Options.Optional("--request-id", "the request's id: a replay with the same id returns the first answer (default: a new id)");

        public Option<string?> Products { get; } = ProductsOption();

        public Option<string?> Name { get; } = Options.Optional("--name", "the holder's name (registered cards)");

        public Option<string?> IdNumber { get; } = Options.Optional("--id-number", "the holder's ID number (registered cards)");

        public Option<bool> Json { get; } = Options.Flag("--json", "print the answer as JSON");

        public Command AddTo(Command command, bool identity)
        {
            command.With(Db, Operator, RequestId, Products, Json);
            if (identity)
            {
                command.With(Name, IdNumber);
            }

            return command;
        }

        public Parsed Read(ParseResult parse, bool needsIdentity, Option<string>? outletOption)
        {
            var request = ParseRequest(parse.GetValue(RequestId) ?? "cli-" + Guid.NewGuid().ToString("N"), parse.GetValue(Operator));
            var name = needsIdentity || parse.GetResult(Name) is not null ? parse.GetValue(Name) : null;
            var id = needsIdentity || parse.GetResult(IdNumber) is not null ? parse.GetValue(IdNumber) : null;
            HolderIdentity? identity = name is null && id is null ? null : new HolderIdentity(name ?? string.Empty, id ?? string.Empty);
            if (needsIdentity && identity is null && outletOption is null)
            {
                throw new UsageException("--name and --id-number: the registered holder's identity is required");
            }

            uint? outlet = outletOption is null ? null : (uint)Arguments.Integer(parse.GetValue(outletOption), outletOption.Name, 1, uint.MaxValue);
            return new Parsed(request, LoadCatalog(parse.GetValue(Products)), identity, outlet, parse.GetValue(Json));
        }

        private static OperatorRequest ParseRequest(string requestId, string? who)
        {
            try
            {
                return new OperatorRequest(requestId, who);
            }
            catch (ClearingInputException e)
            {
                throw new UsageException(e.Message);
            }
        }
    }
}
