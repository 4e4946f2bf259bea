using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityCard.Cards.Application;
using CityCard.Clearing.Lifecycle;
using CityCard.Records;
using CityCard.Security.Ep;
using CityCard.Terminals.Common;
using CityCard.Terminals.Outlet;

namespace CityCard.Cli.Commands;

/// <summary>
/// The outlet's counter operations with the centre (docs/lifecycle.md): concession renewal and product change (the
/// centre records them, the outlet rewrites the card under its maintenance key), loss report, un-report and replacement
/// (the new card personalised and its recovered value claimed). Every request is signed with the outlet's upload key.
/// </summary>
internal static partial class TerminalCommands
{
    private static Command[] CounterCommands(CliContext context) =>
        [OutletRenew(context), OutletChange(context), OutletLost(context), OutletFound(context), OutletReplace(context)];

    /// <summary>The centre's lifecycle endpoints, signed as this outlet device.</summary>
    private static CentreClient Counter(HttpClient client, string url, TerminalSession session) =>
        new(client, CentreUri(url), (session.Core.Config.DeviceId, Security.Hex.Parse(session.Core.Config.UploadKey, "uploadKey", 16)));

    private static string NewRequestId() => "outlet-" + Guid.NewGuid().ToString("N");

    private static Command OutletRenew(CliContext context)
    {
        var common = new Common();
        var card = Options.Required("--card", "the card file");
        var desk = new CounterDesk();
        var name = Options.Required("--name", "the registered holder's name");
        var id = Options.Required("--id-number", "the registered holder's ID number");
        var requestId = Options.Optional("--request-id", "the request's id: repeat it to write the card again after a failed write");
        return new Command("renew", "Renew a concession after verifying the holder's entitlement (年审): the centre records it, the outlet writes the new date to the card.")
            .With([card, name, id, requestId, .. common.All, .. desk.All])
            .Does(parse =>
            {
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.TopUpOutlet, parse.GetValue(card), parse.GetValue(desk.Psam), 0);
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var asn = session.Card!.Asn;
                var answer = Counter(client, parse.GetValue(desk.Centre)!, session).Post($"api/cards/{asn}/renewal", new JsonObject
                {
                    ["requestId"] = parse.GetValue(requestId) ?? NewRequestId(),
                    ["operator"] = parse.GetValue(desk.Clerk),
                    ["holderName"] = parse.GetValue(name),
                    ["idNumber"] = parse.GetValue(id),
                }, $"the renewal of {asn}");
                var renewal = answer.Deserialize<RenewalAnswer>(WebJson)!;
                var today = DateOnly.FromDateTime(session.Core.LocalNow);
                var concession = new ConcessionData { ValidUntil = renewal.ConcessionValidUntil, VerifiedOn = today };
                return session.Finish(context, TopUpOutlet.Rewrite(session.Card!, asn, session.KeySet(context, parse.GetValue(common.Keys)), null, concession));
            });
    }

    private static Command OutletChange(CliContext context)
    {
        var common = new Common();
        var card = Options.Required("--card", "the card file");
        var desk = new CounterDesk();
        var product = Options.Required("--product", "the new product (citycard cards products)");
        var name = Options.Optional("--name", "the holder's name (registered cards, or to register an anonymous one)");
        var id = Options.Optional("--id-number", "the holder's ID number");
        var requestId = Options.Optional("--request-id", "the request's id: repeat it to write the card again after a failed write");
        return new Command("change", "Change a card's product (student → registered on graduation…): the centre records it and the deposit difference, the outlet rewrites the card type.")
            .With([card, product, name, id, requestId, .. common.All, .. desk.All])
            .Does(parse =>
            {
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.TopUpOutlet, parse.GetValue(card), parse.GetValue(desk.Psam), 0);
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var asn = session.Card!.Asn;
                var request = parse.GetValue(requestId) ?? NewRequestId();
                var answer = Counter(client, parse.GetValue(desk.Centre)!, session).Post($"api/cards/{asn}/product", new JsonObject
                {
                    ["requestId"] = request,
                    ["operator"] = parse.GetValue(desk.Clerk),
                    ["product"] = parse.GetValue(product),
                    ["holderName"] = parse.GetValue(name),
                    ["idNumber"] = parse.GetValue(id),
                }, $"the product change of {asn}");
                var change = answer.Deserialize<ProductChangeAnswer>(WebJson)!;
                var outlet = new TopUpOutlet(session.Core, new Cards.Transactions.IssuerLoadAuthority(session.KeySet(context, parse.GetValue(common.Keys))), session.Psam!.Terminal);
                outlet.RecordCash("deposit", change.DepositDifferenceFen, asn, request);
                var today = DateOnly.FromDateTime(session.Core.LocalNow);
                var concession = change.ConcessionValidUntil is { } until ? new ConcessionData { ValidUntil = until, VerifiedOn = today } : ConcessionData.None;
                context.Out.WriteLine($"{change.FromProduct} → {change.ToProduct}: deposit {(change.DepositDifferenceFen >= 0 ? "taken" : "paid back")} {PurchaseTerminal.Yuan(Math.Abs(change.DepositDifferenceFen))}");
                return session.Finish(context, TopUpOutlet.Rewrite(session.Card!, asn, session.KeySet(context, parse.GetValue(common.Keys)), (CardType)change.CardTypeCode, concession));
            });
    }

    private static Command OutletLost(CliContext context) => LossCommand(context, "lost", "loss", "Report a registered card lost (挂失) at the counter, identity checked: the centre blacklists it at once.", (answer, asn) =>
    {
        var loss = answer.Deserialize<LossAnswer>(WebJson)!;
        return $"card {asn} reported lost: blacklist version {loss.BlacklistVersion}; balance {PurchaseTerminal.Yuan(loss.ShadowBalanceFen)} at the report; replaceable or refundable from {loss.ReplaceableFromUtc:yyyy-MM-dd HH:mm} UTC";
    });

    private static Command OutletFound(CliContext context) => LossCommand(context, "found", "found", "Withdraw a loss report (解挂) before the card is replaced: the centre takes it off the blacklist.", (answer, asn) =>
        $"card {asn} found: off the blacklist from version {answer.Deserialize<FoundAnswer>(WebJson)!.BlacklistVersion}");

    private static Command LossCommand(CliContext context, string name, string path, string description, Func<JsonElement, Asn, string> describe)
    {
        var common = new Common();
        var asnOption = Options.Required("--asn", "the card's number (16 digits; the card itself is not needed)");
        var desk = new CounterDesk();
        var holder = Options.Required("--name", "the registered holder's name");
        var id = Options.Required("--id-number", "the registered holder's ID number");
        var requestId = Options.Optional("--request-id", "the request's id (default: a new one)");
        return new Command(name, description)
            .With([asnOption, holder, id, requestId, .. common.All, .. desk.All])
            .Does(parse =>
            {
                var asn = ParseAsn(parse.GetValue(asnOption)!);
                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.TopUpOutlet, null, parse.GetValue(desk.Psam), 0);
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var answer = Counter(client, parse.GetValue(desk.Centre)!, session).Post($"api/cards/{asn}/{path}", new JsonObject
                {
                    ["requestId"] = parse.GetValue(requestId) ?? NewRequestId(),
                    ["operator"] = parse.GetValue(desk.Clerk),
                    ["holderName"] = parse.GetValue(holder),
                    ["idNumber"] = parse.GetValue(id),
                }, $"the {name} report of {asn}");
                context.Out.WriteLine(describe(answer, asn));
                return ExitCodes.Ok;
            });
    }

    private static Command OutletReplace(CliContext context)
    {
        var common = new Common();
        var asnOption = Options.Required("--asn", "the lost card's number");
        var output = Options.Required("--out", "the new card file (must not exist: a new card is personalised once)");
        var desk = new CounterDesk();
        var holder = Options.Required("--name", "the registered holder's name");
        var id = Options.Required("--id-number", "the registered holder's ID number");
        var requestId = Options.Optional("--request-id", "the request's id (default: a new one)");
        return new Command("replace", "Replace a lost card (补卡) after the waiting period: the centre closes it and computes the loss statement; the outlet personalises the new card, takes the fee and writes the recovered value to it.")
            .With([asnOption, output, holder, id, requestId, .. common.All, .. desk.All])
            .Does(parse =>
            {
                var asn = ParseAsn(parse.GetValue(asnOption)!);
                var path = parse.GetValue(output)!;
                if (File.Exists(path))
                {
                    throw new UsageException($"--out: {path} already exists (if it is this replacement's card, write its value with 'terminal outlet claim --card {path}')");
                }

                LifecycleCards.CheckNewCardFile(path, "--out", null);

                using var session = TerminalSession.Open(context, common.Read(parse), DeviceKind.TopUpOutlet, null, parse.GetValue(desk.Psam), 0);
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var request = parse.GetValue(requestId) ?? NewRequestId();
                var centreClient = Counter(client, parse.GetValue(desk.Centre)!, session);
                var answer = centreClient.Post($"api/cards/{asn}/replacement", new JsonObject
                {
                    ["requestId"] = request,
                    ["operator"] = parse.GetValue(desk.Clerk),
                    ["holderName"] = parse.GetValue(holder),
                    ["idNumber"] = parse.GetValue(id),
                }, $"the replacement of {asn}");
                var replacement = answer.Deserialize<ReplacementAnswer>(WebJson)!;
                var keySet = CardFiles.KeySet(context, parse.GetValue(common.Keys), EpAlgorithm.Des);
                var card = LifecycleCards.WriteSold(keySet, replacement.NewCard, path, null, "--out", request);
                var newAsn = card.Asn;
                var outlet = new TopUpOutlet(session.Core, new Cards.Transactions.IssuerLoadAuthority(keySet), session.Psam!.Terminal);
                outlet.RecordCash("replacement-fee", replacement.FeeFen, newAsn, request);
                context.Out.WriteLine($"card {asn} replaced by {newAsn} (written to {path}); fee {PurchaseTerminal.Yuan(replacement.FeeFen)} taken; recovered {PurchaseTerminal.Yuan(replacement.RecoveredFen)} ({replacement.Statement.Lines.Count} late records on the loss statement){(replacement.TransferredCreditsFen == 0 ? string.Empty : $"; its unwritten pending credits {PurchaseTerminal.Yuan(replacement.TransferredCreditsFen)} moved with it")}");
                if (replacement.RecoveredFen <= 0 && replacement.TransferredCreditsFen == 0)
                {
                    session.Save();
                    return ExitCodes.Ok;
                }

                var claimer = new TopUpOutlet(session.Core, new HttpLoadAuthority(client, CentreUri(parse.GetValue(desk.Centre)!), session.Core.Config.DeviceId, Security.Hex.Parse(session.Core.Config.UploadKey, "uploadKey", 16), TimeProvider.System) { ClaimCredits = true, Log = context.Error }, session.Psam!.Terminal);
                var result = claimer.Claim(card, OpenCredits(centreClient, newAsn));
                CardCommands.Save(card, path);
                return session.Finish(context, result);
            });
    }

    private static long OpenCredits(CentreClient centre, Asn asn) => centre.Get($"api/cards/{asn}/credits", $"the pending credits of {asn}")
        .EnumerateArray().Where(c => c.GetProperty("status").GetString() is "available" or "reserved").Sum(c => c.GetProperty("amountFen").GetInt64());

    private static Asn ParseAsn(string text)
    {
        try
        {
            return Asn.Parse(text, "--asn");
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
