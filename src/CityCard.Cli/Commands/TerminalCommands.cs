using System.CommandLine;
using System.Globalization;
using CityCard.Cards.Issuance;
using CityCard.Cards.Transactions;
using CityCard.Records;
using CityCard.Security.Ep;
using CityCard.Terminals.Bus;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;
using CityCard.Terminals.Door;
using CityCard.Terminals.Kiosk;
using CityCard.Terminals.Outlet;
using CityCard.Terminals.Parameters;
using CityCard.Terminals.Pos;
using CityCard.Terminals.Taxi;

namespace CityCard.Cli.Commands;

/// <summary><c>citycard terminal …</c>: try each terminal by hand against card and PSAM files.</summary>
internal static partial class TerminalCommands
{
    private static readonly System.Text.Json.JsonSerializerOptions WebJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    public static Command Build(CliContext context)
    {
        var terminal = new Command("terminal", "Offline terminals over card and PSAM files: bus, pos, taxi, outlet, kiosk, door; batches and upload.");
        terminal.Subcommands.Add(Bus(context));
        terminal.Subcommands.Add(Pos(context));
        terminal.Subcommands.Add(Taxi(context));
        terminal.Subcommands.Add(Outlet(context));
        terminal.Subcommands.Add(Kiosk(context));
        terminal.Subcommands.Add(Door(context));
        terminal.Subcommands.Add(CloseBatch(context));
        terminal.Subcommands.Add(Upload(context));
        terminal.Subcommands.Add(Params(context));
        return terminal;
    }

    // What every counter operation with the centre takes: the outlet's PSAM, the centre's URL and the clerk's name.
    private sealed class CounterDesk
    {
        public Option<string> Psam { get; } = Options.Required("--psam", "the outlet's PSAM file");
        public Option<string> Centre { get; } = Options.Required("--centre", "the centre's URL");
        public Option<string> Clerk { get; } = Options.Required("--clerk", "the counter operator's name (recorded in the centre's operator log)");

        public Option[] All => [Psam, Centre, Clerk];
    }

    private sealed class Common
    {
        public Option<string?> Data { get; } = Options.Optional("--data", "the terminal's folder: journal, parameters, outbox (default ./data/terminals/<device id>)");
        public Option<string?> DeviceId { get; } = Options.Optional("--device-id", "device id when the folder is first installed (default: from the PSAM's terminal number)");
        public Option<string?> Operator { get; } = Options.Optional("--operator", "operator or merchant id when the folder is first installed (default 1)");
        public Option<string?> Keys { get; } = Options.Optional("--keys", "encrypted issuer key-set file (default: the public demo key set)");

        public Option[] All => [Data, DeviceId, Operator, Keys];

        public TerminalOptions Read(ParseResult parse) => new(
            parse.GetValue(Data),
            parse.GetValue(DeviceId) is { } id ? (uint)Arguments.Integer(id, "--device-id", 1, uint.MaxValue) : null,
            parse.GetValue(Operator) is { } op ? (uint)Arguments.Integer(op, "--operator", 0, uint.MaxValue) : null,
            parse.GetValue(Keys));
    }

    private static Command Bus(CliContext context)
    {
        var common = new Common();
        var card = Options.Required("--card", "the card file");
        var psam = Options.Required("--psam", "the validator's PSAM file");
        var route = Options.Required("--route", "bus line (route) number, 1..65535");
        var stop = Options.Required("--stop", "stop number, 0..65535");
        var tap = new Command("tap", "Tap a card on the bus validator: flat or distance fare, transfers, concessions, blacklist, torn-tap recovery.")
            .With([card, psam, route, stop, .. common.All])
            .Does(parse =>
            {
                var line = (ushort)Arguments.Integer(parse.GetValue(route), "--route", 1, ushort.MaxValue);
                var at = (ushort)Arguments.Integer(parse.GetValue(stop), "--stop", 0, ushort.MaxValue);
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.BusValidator, parse.GetValue(card), parse.GetValue(psam), line, lineOption: "--route");
                var validator = new BusValidator(new PurchaseTerminal(session.Core, session.Psam!, new MaintenanceKeyBlocker(session.KeySet(context, parse.GetValue(common.Keys)))));
                return session.Finish(context, validator.Tap(session.Card!, at));
            });
        return Group("bus", "On-board bus validator.", tap);
    }

    private static Command Pos(CliContext context)
    {
        var common = new Common();
        var card = Options.Required("--card", "the card file");
        var psam = Options.Required("--psam", "the POS's PSAM file");
        var amount = Options.Required("--amount", "price in fen before discounts, 1..4294967295");
        var sale = new Command("sale", "Take a payment: merchant discount rules apply; prints the receipt.")
            .With([card, psam, amount, .. common.All])
            .Does(parse =>
            {
                var price = (long)Arguments.Integer(parse.GetValue(amount), "--amount", 1, uint.MaxValue);
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.MerchantPos, parse.GetValue(card), parse.GetValue(psam), 0);
                var pos = new MerchantPos(new PurchaseTerminal(session.Core, session.Psam!, null));
                return session.Finish(context, pos.Sale(session.Card!, price));
            });
        var psamForTotals = Options.Optional("--psam", "the POS's PSAM file (to find its folder)");
        var date = Options.Optional("--date", "local day YYYY-MM-DD (default today)");
        var totals = new Command("totals", "End-of-day totals: sales, gross, discounts, net.")
            .With([psamForTotals, date, .. common.All])
            .Does(parse =>
            {
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.MerchantPos, null, parse.GetValue(psamForTotals), 0);
                var day = parse.GetValue(date) is { } text
                    ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw new UsageException($"--date: '{text}' is not YYYY-MM-DD")
                    : DateOnly.FromDateTime(session.Core.LocalNow);
                var t = MerchantPos.Totals(session.Core, day);
                context.Out.WriteLine($"{t.Day:yyyy-MM-dd}: {t.Count} sales, gross {PurchaseTerminal.Yuan(t.GrossFen)}, discounts {PurchaseTerminal.Yuan(t.DiscountFen)}, net {PurchaseTerminal.Yuan(t.NetFen)}");
                return ExitCodes.Ok;
            });
        return Group("pos", "Merchant point of sale (shops, canteens).", sale, totals);
    }

    private static Command Taxi(CliContext context)
    {
        var common = new Common();
        var card = Options.Required("--card", "the card file");
        var psam = Options.Required("--psam", "the meter's PSAM file");
        var metres = Options.Required("--metres", "trip distance in metres, 0..2000000");
        var waiting = Options.Optional("--waiting-seconds", "waiting time in seconds (default 0)");
        var start = Options.Optional("--start", "trip start, local HH:mm (default now)");
        var vehicle = Options.Optional("--vehicle", "vehicle number when the meter is first installed (default 1)");
        var trip = new Command("trip", "End a taxi trip and take the fare by card (tariff: flag fall, per km, waiting, night surcharge).")
            .With([card, psam, metres, waiting, start, vehicle, .. common.All])
            .Does(parse =>
            {
                var distance = (int)Arguments.Integer(parse.GetValue(metres), "--metres", 0, 2_000_000);
                var wait = (int)Arguments.Integer(parse.GetValue(waiting) ?? "0", "--waiting-seconds", 0, 86_400);
                var car = (ushort)Arguments.Integer(parse.GetValue(vehicle) ?? "1", "--vehicle", 1, ushort.MaxValue);
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.TaxiMeter, parse.GetValue(card), parse.GetValue(psam), car, lineOption: parse.GetValue(vehicle) is null ? null : "--vehicle");
                var begin = parse.GetValue(start) is { } text
                    ? TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : throw new UsageException($"--start: '{text}' is not HH:mm")
                    : TimeOnly.FromDateTime(session.Core.LocalNow);
                var meter = new TaxiMeter(new PurchaseTerminal(session.Core, session.Psam!, null));
                return session.Finish(context, meter.EndTrip(session.Card!, distance, wait, begin));
            });
        var meters = new Option<string[]>("--meter") { Description = "a meter's data folder (repeat for each meter)", Required = true, Arity = ArgumentArity.OneOrMore };
        var collect = new Command("collect", "The company collector gathers its meters' journals into one batch for the centre.")
            .With([meters, .. common.All])
            .Does(parse =>
            {
                var options = common.Read(parse);
                using var session = TerminalSession.Open(context, options, DeviceKind.TaxiCollector, null, null, 0, options.DeviceId ?? throw new UsageException("--device-id: the collector's device id is needed"));
                var collector = new TaxiCollector(session.Core);
                int gathered;
                try
                {
                    gathered = collector.Collect(parse.GetValue(meters)!);
                }
                catch (Exception e) when (e is TerminalException or Records.Batches.BatchFormatException)
                {
                    throw new CliFailure(e.Message, e);
                }

                var closed = session.Core.CloseBatch();
                context.Out.WriteLine($"collected {gathered} records{(closed is null ? string.Empty : $"; batch {closed}")}");
                return ExitCodes.Ok;
            });
        return Group("taxi", "Taxi meter and the taxi company's collector.", trip, collect);
    }

    private static Command Outlet(CliContext context)
    {
        var common = new Common();
        var card = Options.Required("--card", "the card file");
        var psam = Options.Required("--psam", "the outlet's PSAM file (its terminal number identifies the outlet)");
        var amount = Options.Required("--amount", "amount to load in fen (cash taken), 1..10000000");
        var centreForLoad = Options.Optional("--centre", "the centre's URL (POST /api/loads/…, signed with the outlet's upload key); without it the issuer key set authorises in process");
        var load = new Command("load", "Load value online: the centre verifies MAC1 and returns MAC2; a torn load completes once when the card returns.")
            .With([card, psam, amount, centreForLoad, .. common.All])
            .Does(parse =>
            {
                var fen = Arguments.Integer(parse.GetValue(amount), "--amount", 1, 10_000_000);
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.TopUpOutlet, parse.GetValue(card), parse.GetValue(psam), 0);
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                ILoadAuthority authority = parse.GetValue(centreForLoad) is { } url
                    ? new HttpLoadAuthority(client, CentreUri(url), session.Core.Config.DeviceId, Security.Hex.Parse(session.Core.Config.UploadKey, "uploadKey", 16), TimeProvider.System) { Log = context.Error }
                    : new IssuerLoadAuthority(session.KeySet(context, parse.GetValue(common.Keys)));
                var outlet = new TopUpOutlet(session.Core, authority, session.Psam!.Terminal);
                return session.Finish(context, outlet.Load(session.Card!, fen));
            });
        var output = Options.Required("--out", "the new card file");
        var psamForSale = Options.Required("--psam", "the outlet's PSAM file");
        var type = Options.Optional("--type", "ordinary (default), student, elder, disabled or staff");
        var deposit = Options.Optional("--deposit", "deposit in fen (default 2000)");
        var alg = Options.Optional("--alg", "des (default) or sm4");
        var centreForSale = Options.Optional("--centre", "the centre's URL: the sale is registered there before the card is handed over (without it the outlet sells offline)");
        var sell = new Command("sell", "Sell a new card: personalise it, register it with the centre, take the deposit in cash.")
            .With([output, psamForSale, type, deposit, alg, centreForSale, .. common.All])
            .Does(parse =>
            {
                var algorithm = EpAlgorithms.Parse(parse.GetValue(alg) ?? "des", "--alg");
                var depositFen = Arguments.Integer(parse.GetValue(deposit) ?? "2000", "--deposit", 0, 1_000_000);
                var cardType = CardCommands.ParseCardType(parse.GetValue(type));
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.TopUpOutlet, null, parse.GetValue(psamForSale), 0);
                var keySet = CardFiles.KeySet(context, parse.GetValue(common.Keys), algorithm);
                var today = DateOnly.FromDateTime(session.Core.LocalNow);
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                ICardRegistrar? registrar = parse.GetValue(centreForSale) is { } url ? new HttpCardRegistrar(Counter(client, url, session)) : null;

                var outlet = new TopUpOutlet(session.Core, new IssuerLoadAuthority(keySet), session.Psam!.Terminal) { Registrar = registrar };
                var sold = outlet.SellCard(new CardIssuer(keySet), new CardIssueRequest
                {
                    Asn = AsnNumbering.Create(keySet.HomeCity, System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, int.MaxValue)),
                    CardType = cardType,
                    ValidFrom = today,
                    ValidUntil = today.AddYears(5).AddDays(-1),
                }, depositFen);
                CardCommands.Save(sold, parse.GetValue(output)!);
                context.Out.WriteLine($"sold card {sold.Asn} ({CardNames.Of(cardType)}), deposit {PurchaseTerminal.Yuan(depositFen)} taken{(registrar is null ? "; not registered (no --centre)" : "; registered with the centre")}; written to {parse.GetValue(output)}");
                session.Save();
                return ExitCodes.Ok;
            });
        var psamForReport = Options.Required("--psam", "the outlet's PSAM file");
        var report = new Command("report", "Shift report: loads, cash by reason, loads waiting for their card.")
            .With([psamForReport, .. common.All])
            .Does(parse =>
            {
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.TopUpOutlet, null, parse.GetValue(psamForReport), 0);
                var r = new TopUpOutlet(session.Core, new IssuerLoadAuthority(session.KeySet(context, parse.GetValue(common.Keys))), session.Psam!.Terminal).Report();
                context.Out.WriteLine($"loads {r.Loads} ({PurchaseTerminal.Yuan(r.LoadedFen)}), cash {PurchaseTerminal.Yuan(r.CashFen)}, pending loads {r.PendingLoads}");
                foreach (var (reason, fen) in r.CashByReasonFen.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    context.Out.WriteLine($"  {reason,-10} {PurchaseTerminal.Yuan(fen)}");
                }

                return ExitCodes.Ok;
            });
        return Group("outlet", "Card sale and top-up outlet.", [load, sell, report, OutletClaim(context), OutletRefund(context), OutletSellProduct(context), .. CounterCommands(context)]);
    }

    private static Command OutletClaim(CliContext context)
    {
        var common = new Common();
        var card = Options.Required("--card", "the card file");
        var psam = Options.Required("--psam", "the outlet's PSAM file");
        var centre = Options.Required("--centre", "the centre's URL (its pending credits, and the signed online load)");
        return new Command("claim", "Write the card's pending credits (online top-ups, a replaced card's value) with an online load; no cash taken; once even if torn.")
            .With([card, psam, centre, .. common.All])
            .Does(parse =>
            {
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.TopUpOutlet, parse.GetValue(card), parse.GetValue(psam), 0);
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var centreUri = CentreUri(parse.GetValue(centre)!);
                var asn = session.Card!.Asn;
                var credits = Counter(client, parse.GetValue(centre)!, session).Get($"api/cards/{asn}/credits", $"the pending credits of {asn}");
                // Credits still reserved by an earlier, torn claim are included: the centre lapses that load when the card
                // shows the same online counter, or it was written and the recovery below finishes it.
                var open = credits.EnumerateArray().Where(c => c.GetProperty("status").GetString() is "available" or "reserved").Sum(c => c.GetProperty("amountFen").GetInt64());
                var outlet = new TopUpOutlet(session.Core, new HttpLoadAuthority(client, centreUri, session.Core.Config.DeviceId, Security.Hex.Parse(session.Core.Config.UploadKey, "uploadKey", 16), TimeProvider.System) { ClaimCredits = true, Log = context.Error }, session.Psam!.Terminal);
                if (open == 0)
                {
                    throw new CliFailure($"card {asn} has no pending credits at the centre");
                }

                return session.Finish(context, outlet.Claim(session.Card!, open));
            });
    }

    private static Command OutletRefund(CliContext context)
    {
        var common = new Common();
        var card = Options.Required("--card", "the card file");
        var desk = new CounterDesk();
        var requestId = Options.Optional("--request-id", "the request's id (default: a new one)");
        var name = Options.Optional("--name", "the holder's name (registered cards)");
        var id = Options.Optional("--id-number", "the holder's ID number (registered cards)");
        return new Command("refund", "Refund a card at the counter: its balance is read from the card, the centre checks it and pays deposit + balance − fee; the card is blocked.")
            .With([card, requestId, name, id, .. common.All, .. desk.All])
            .Does(parse =>
            {
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.TopUpOutlet, parse.GetValue(card), parse.GetValue(desk.Psam), 0);
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var centreClient = Counter(client, parse.GetValue(desk.Centre)!, session);
                var outlet = new TopUpOutlet(session.Core, new IssuerLoadAuthority(session.KeySet(context, parse.GetValue(common.Keys))), session.Psam!.Terminal);
                var request = parse.GetValue(requestId) ?? "outlet-" + Guid.NewGuid().ToString("N");
                var result = outlet.Refund(
                    session.Card!,
                    (asn, balance) =>
                    {
                        var body = new System.Text.Json.Nodes.JsonObject
                        {
                            ["requestId"] = request,
                            ["operator"] = parse.GetValue(desk.Clerk),
                            ["outletId"] = session.Core.Config.OperatorId,
                            ["cardBalanceFen"] = balance,
                            ["holderName"] = parse.GetValue(name),
                            ["idNumber"] = parse.GetValue(id),
                        };
                        var answer = centreClient.Post($"api/cards/{asn}/refund", body, $"the refund of {asn}");
                        return answer.GetProperty("status").GetString() switch
                        {
                            "done" => (true, answer.GetProperty("paidOutFen").GetInt64(), $"Refunded {PurchaseTerminal.Yuan(answer.GetProperty("paidOutFen").GetInt64())} (deposit {PurchaseTerminal.Yuan(answer.GetProperty("depositFen").GetInt64())} + balance {PurchaseTerminal.Yuan(balance)} − fee {PurchaseTerminal.Yuan(answer.GetProperty("feeFen").GetInt64())})"),
                            "declined" => (false, 0, $"The refund was declined by the second operator (approval {answer.GetProperty("approvalId").GetInt64()}) — nothing refunded"),
                            _ => (false, 0, $"The refund needs a second operator: approval {answer.GetProperty("approvalId").GetInt64()}; once it is approved, refund again with --request-id {request} to pay out and block the card"),
                        };
                    },
                    new MaintenanceKeyBlocker(session.KeySet(context, parse.GetValue(common.Keys))),
                    request);
                return session.Finish(context, result);
            });
    }

    private static Command OutletSellProduct(CliContext context)
    {
        var common = new Common();
        var output = Options.Required("--out", "the new card file");
        var psam = Options.Required("--psam", "the outlet's PSAM file");
        var centre = Options.Required("--centre", "the centre's URL: it allocates the ASN and registers the card");
        var product = Options.Required("--product", "product name (citycard cards products)");
        var who = Options.Required("--clerk", "the counter operator's name (recorded in the centre's operator log)");
        var requestId = Options.Optional("--request-id", "the request's id: repeat it to personalise the same card again after a failure");
        var name = Options.Optional("--name", "the holder's name (registered products)");
        var id = Options.Optional("--id-number", "the holder's ID number (registered products)");
        return new Command("sell-product", "Sell a card of a product: the centre allocates the ASN (check digit) and posts the deposit; the outlet personalises it.")
            .With([output, psam, centre, product, who, requestId, name, id, .. common.All])
            .Does(parse =>
            {
                var existing = LifecycleCards.CheckNewCardFile(parse.GetValue(output)!, "--out", parse.GetValue(requestId));
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.TopUpOutlet, null, parse.GetValue(psam), 0);
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var request = parse.GetValue(requestId) ?? "outlet-" + Guid.NewGuid().ToString("N");
                var answer = Counter(client, parse.GetValue(centre)!, session).Post("api/lifecycle/sales", new System.Text.Json.Nodes.JsonObject
                {
                    ["requestId"] = request,
                    ["operator"] = parse.GetValue(who),
                    ["product"] = parse.GetValue(product),
                    ["outletId"] = session.Core.Config.OperatorId,
                    ["holderName"] = parse.GetValue(name),
                    ["idNumber"] = parse.GetValue(id),
                }, "the sale");
                var sale = System.Text.Json.JsonSerializer.Deserialize<Clearing.Lifecycle.SaleAnswer>(answer, WebJson)!;
                var card = LifecycleCards.WriteSold(CardFiles.KeySet(context, parse.GetValue(common.Keys), EpAlgorithm.Des), sale, parse.GetValue(output)!, existing, "--out", request);
                var outlet = new TopUpOutlet(session.Core, new IssuerLoadAuthority(session.KeySet(context, parse.GetValue(common.Keys))), session.Psam!.Terminal);
                outlet.RecordCash("deposit", sale.DepositFen, card.Asn, request);
                context.Out.WriteLine($"sold card {sale.Asn} ({sale.Product}, {sale.CardType}), deposit {PurchaseTerminal.Yuan(sale.DepositFen)} taken; registered by the centre; written to {parse.GetValue(output)}");
                session.Save();
                return ExitCodes.Ok;
            });
    }

    private static Command Kiosk(CliContext context)
    {
        var common = new Common();
        var bills = Options.Required("--bills", "the centre's bill list for this kiosk (JSON array)");
        var household = Options.Required("--household", "household account number");
        var list = new Command("bills", "List a household's unpaid water, electricity, gas and heating bills.")
            .With(bills, household)
            .Does(parse =>
            {
                IReadOnlyList<UtilityBill> unpaid;
                try
                {
                    unpaid = Service(parse.GetValue(bills)!).Unpaid(parse.GetValue(household)!).ToList();
                }
                catch (TerminalException e)
                {
                    // A malformed bill file is the operator's to fix: named, without a stack trace.
                    throw new CliFailure(e.Message, e);
                }

                foreach (var bill in unpaid)
                {
                    context.Out.WriteLine($"{bill.BillId,8}  {bill.Utility,-12} {bill.Period}  {PurchaseTerminal.Yuan(bill.AmountFen)}  (merchant {bill.MerchantId})");
                }

                return ExitCodes.Ok;
            });
        var card = Options.Required("--card", "the card file");
        var psam = Options.Required("--psam", "the kiosk's PSAM file");
        var billsForPay = Options.Required("--bills", "the centre's bill list for this kiosk (JSON array)");
        var householdForPay = Options.Required("--household", "household account number");
        var bill = Options.Required("--bill", "bill number to pay");
        var pay = new Command("pay", "Pay a household's bill by card; the utility company is the merchant.")
            .With([card, psam, billsForPay, householdForPay, bill, .. common.All])
            .Does(parse =>
            {
                var number = (uint)Arguments.Integer(parse.GetValue(bill), "--bill", 1, uint.MaxValue);
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.UtilityKiosk, parse.GetValue(card), parse.GetValue(psam), 0);
                var kiosk = new UtilityKiosk(new PurchaseTerminal(session.Core, session.Psam!, null), Service(parse.GetValue(billsForPay)!));
                try
                {
                    return session.Finish(context, kiosk.Pay(session.Card!, parse.GetValue(householdForPay)!, number));
                }
                catch (TerminalException e)
                {
                    throw new CliFailure(e.Message, e);
                }
            });
        return Group("kiosk", "Utility bill kiosk.", list, pay);
    }

    private static FileBillService Service(string path) =>
        File.Exists(path) ? new FileBillService(path) : throw new UsageException($"--bills: no such file '{path}'");

    private static Command Door(CliContext context)
    {
        var common = new Common();
        var card = Options.Required("--card", "the card file");
        var door = Options.Required("--door", "door id, 1..65535");
        var direction = Options.Optional("--direction", "in (default) or out");
        var present = new Command("present", "Present a card at a door / attendance reader: allow-list check, event recorded, no money moves.")
            .With([card, door, direction, .. common.All])
            .Does(parse =>
            {
                var doorId = (ushort)Arguments.Integer(parse.GetValue(door), "--door", 1, ushort.MaxValue);
                var way = (parse.GetValue(direction) ?? "in").ToUpperInvariant() switch
                {
                    "IN" => DoorReader.In,
                    "OUT" => DoorReader.Out,
                    var other => throw new UsageException($"--direction: '{other.ToLowerInvariant()}' is not in or out"),
                };
                var options = common.Read(parse);
                using var session = TerminalSession.Open(context, options, DeviceKind.DoorReader, parse.GetValue(card), null, doorId, options.DeviceId ?? 900_000u + doorId, "--door");
                return session.Finish(context, new DoorReader(session.Core).Present(session.Card!, way));
            });
        return Group("door", "Door / attendance reader.", present);
    }

    private static Command CloseBatch(CliContext context)
    {
        var data = Options.Required("--data", "the terminal's folder");
        return new Command("close-batch", "Close the open batch into the outbox now.")
            .With(data)
            .Does(parse =>
            {
                using var core = OpenExisting(parse.GetValue(data)!);
                var path = core.CloseBatch();
                context.Out.WriteLine(path is null ? "no open records" : $"batch written: {path}");
                return ExitCodes.Ok;
            });
    }

    private static Command Upload(CliContext context)
    {
        var data = Options.Required("--data", "the terminal's folder");
        var centre = Options.Required("--centre", "the centre: its URL (http://127.0.0.1:5080, POST /api/batches) or a drop folder (PATH or file:PATH) that 'citycard clear' ingests");
        return new Command("upload", "Hand the outbox's batches to the centre; acknowledged ones move to sent/.")
            .With(data, centre)
            .Does(parse =>
            {
                using var core = OpenExisting(parse.GetValue(data)!);
                var target = parse.GetValue(centre)!;
                IReadOnlyList<string> sent;
                if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                {
                    if (!Uri.TryCreate(target.EndsWith('/') ? target : target + "/", UriKind.Absolute, out var uri))
                    {
                        throw new UsageException($"--centre: '{target}' is not a URL");
                    }

                    using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
                    sent = core.Upload(new HttpBatchSink(client, uri, context.Out));
                }
                else
                {
                    // A drop folder must already be there: anything else (a mistyped URL such as htp://… or
                    // 127.0.0.1:5080) would otherwise become a new folder, and the batches would move to sent/ as if
                    // the centre had them.
                    var folder = target.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ? target[5..] : target;
                    if (!target.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && target.Contains("://", StringComparison.Ordinal))
                    {
                        throw new UsageException($"--centre: '{target}' is not an http(s) URL (and not a drop folder)");
                    }

                    if (!Directory.Exists(folder))
                    {
                        throw new UsageException($"--centre: no such drop folder '{folder}' (the centre's URL starts with http:// or https://)");
                    }

                    sent = core.Upload(new FolderBatchSink(folder));
                }

                // A batch the centre did not acknowledge (a refusal, a 503 while its database is down) stops the upload
                // and keeps it and the later ones in the outbox: that is a failure to report, not an empty outbox.
                var left = Directory.Exists(core.OutboxDirectory) ? Directory.GetFiles(core.OutboxDirectory, "*.ccb").Length : 0;
                if (left > 0)
                {
                    context.Error.WriteLine($"uploaded {sent.Count}{(sent.Count == 0 ? string.Empty : ": " + string.Join(", ", sent))}; {left} {(left == 1 ? "batch stays" : "batches stay")} in the outbox");
                    return ExitCodes.Failed;
                }

                context.Out.WriteLine(sent.Count == 0 ? "nothing to upload" : $"uploaded {sent.Count}: {string.Join(", ", sent)}");
                return ExitCodes.Ok;
            });
    }

    private static Command Params(CliContext context)
    {
        var data = Options.Required("--data", "the terminal's folder");
        var file = Options.Required("--file", "a signed parameter file from the centre");
        var install = new Command("install", "Install a newer signed parameter file; a wrong signature or an old version is refused and the current parameters stay.")
            .With(data, file)
            .Does(parse =>
            {
                using var core = OpenExisting(parse.GetValue(data)!);
                try
                {
                    var installed = core.InstallParameters(File.ReadAllBytes(parse.GetValue(file)!));
                    context.Out.WriteLine($"parameters version {installed.Version} installed (blacklist version {installed.BlacklistVersion}, {installed.Blacklist.Count} cards)");
                    return ExitCodes.Ok;
                }
                catch (Exception e) when (e is ParameterFileException or IOException)
                {
                    throw new CliFailure($"{parse.GetValue(file)}: {e.Message}; the installed version {core.Parameters.Version} stays", e);
                }
            });
        var output = Options.Required("--out", "the signed parameter file to write");
        var version = Options.Required("--version", "parameter version, 1 or more");
        var blacklist = new Option<string[]>("--blacklist") { Description = "a card number to blacklist (repeat)", Arity = ArgumentArity.ZeroOrMore };
        var signingKeys = ClearingCommands.ParameterKeysOption();
        var publish = new Command("publish", "Centre side: sign the default parameters at a version, with a blacklist (the DEMO signing key unless --keys).")
            .With(output, version, blacklist, signingKeys)
            .Does(parse =>
            {
                var v = (uint)Arguments.Integer(parse.GetValue(version), "--version", 1, uint.MaxValue);
                var cards = (parse.GetValue(blacklist) ?? []).Select(a => Asn.Parse(a, "--blacklist").ToString()).ToList();
                var parameters = FactoryParameters.Create() with { Version = v, BlacklistVersion = v, Blacklist = cards, PublishedUtc = DateTimeOffset.UtcNow };
                File.WriteAllBytes(parse.GetValue(output)!, ParameterFile.Sign(parameters, KeysCommands.ParameterKey(context, parse.GetValue(signingKeys))));
                context.Out.WriteLine($"parameters version {v} with {cards.Count} blacklisted cards written to {parse.GetValue(output)}");
                return ExitCodes.Ok;
            });
        var centre = Options.Required("--centre", "the centre's URL (GET /api/devices/parameters, signed with the terminal's upload key)");
        var fetch = new Command("fetch", "Fetch newer parameters from the centre (a delta of blacklist changes, or the full file) and install them; a bad signature or an older version is refused and the current parameters stay.")
            .With(data, centre)
            .Does(parse =>
            {
                var uri = CentreUri(parse.GetValue(centre)!);
                using var core = OpenExisting(parse.GetValue(data)!);
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
                var source = new HttpParameterSource(client, uri, core.Config.DeviceId, Security.Hex.Parse(core.Config.UploadKey, "uploadKey", 16), TimeProvider.System);
                try
                {
                    var fetched = core.FetchParameters(source);
                    var p = fetched.Installed;
                    context.Out.WriteLine(fetched.UpToDate
                        ? $"parameters version {p.Version} are up to date"
                        : $"parameters version {p.Version} installed from the centre ({(fetched.Delta ? "delta" : fetched.FellBackToFull ? "full file: the delta did not fit" : "full file")} from version {fetched.PreviousVersion}; blacklist version {p.BlacklistVersion}, {p.Blacklist.Count} cards)");
                    return ExitCodes.Ok;
                }
                catch (ParameterFileException e)
                {
                    throw new CliFailure($"--centre {uri}: {e.Message}; the installed version {core.Parameters.Version} stays", e);
                }
            });
        return Group("params", "Signed parameter files: fetch from the centre, install a file, or publish one offline (demo key).", fetch, install, publish);
    }

    private static Uri CentreUri(string url) =>
        Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"--centre: '{url}' is not an http(s) URL");

    private static TerminalCore OpenExisting(string directory)
    {
        try
        {
            return TerminalCore.Open(directory, TimeProvider.System);
        }
        catch (Exception e) when (e is TerminalException or Terminals.Journal.JournalException)
        {
            throw new CliFailure(e.Message, e);
        }
    }

    private static Command Group(string name, string description, params Command[] commands)
    {
        var group = new Command(name, description);
        foreach (var command in commands)
        {
            group.Subcommands.Add(command);
        }

        return group;
    }
}
