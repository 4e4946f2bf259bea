using System.Globalization;
using System.Text.Json;
using CityCard.Clearing.Operators;
using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Storage;
using CityCard.Security.Ep;
using CityCard.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CityCard.Server.Endpoints;

/// <summary>
/// Back-office endpoints: card sale and lookup, held records, settlement reports and the audit. They are meant for the
/// centre's own network (the server listens on loopback by default).
/// </summary>
internal static class BackOfficeEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/api/cards", SellAsync).Accepts<CardSale>("application/json").Produces(StatusCodes.Status201Created).WithSummary("Register a card sold at an outlet (clerk, or the outlet device signing).").Needs(OperatorRole.Clerk, devices: true);
        app.MapGet("/api/cards/{asn}", Lookup).Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A card: shadow balance, status and cleared history.").Needs(OperatorRole.Viewer);
        app.MapGet("/api/records", RecordsByOutcome).WithSummary("Stored records with an outcome (suspect by default).").Needs(OperatorRole.Viewer);
        app.MapPost("/api/records/{device}/{batch}/{index}/review", ReviewAsync).Accepts<ReviewRequest>("application/json").WithSummary("Accept or reject a suspect record, with a reason (supervisor).").Needs(OperatorRole.Supervisor);
        app.MapPost("/api/settlements/{date}", Settle).WithSummary("Settle a business day (idempotent; supervisor).").Needs(OperatorRole.Supervisor);
        app.MapGet("/api/settlements/{date}", Settlement).Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A settled day's report.").Needs(OperatorRole.Viewer);
        app.MapGet("/api/settlements/{date}/csv", SettlementFile).Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A settled day's CSV file.").Needs(OperatorRole.Viewer);
        app.MapGet("/api/audit", (IClearingStore store, ServerOptions options) => Results.Text(store.Read(r => r.Audit(options.Clock.GetUtcNow())).ToJson(), "application/json"))
            .WithSummary("Every DESIGN.md §6 invariant with figures, and warnings (long-open gaps).").Needs(OperatorRole.Viewer);
    }

    private static async Task<IResult> SellAsync(HttpRequest request, CentreRegistry registry, ServerOptions options, IOptions<JsonOptions> json, CancellationToken cancellation)
    {
        var (body, problem) = await RequestBody.ReadAsync(request, 64 * 1024, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        var (sale, invalid) = RequestBody.Json<CardSale>(body!, json.Value.SerializerOptions);
        if (invalid is not null)
        {
            return invalid;
        }

        Asn asn;
        CityCode city;
        try
        {
            asn = Asn.Parse(sale!.Asn, "asn");
            city = CityCode.Parse(sale.City ?? "2144", "city");
        }
        catch (ArgumentException e)
        {
            return RequestBody.BadRequest(e);
        }

        if (sale.CardType is < 0 or > 255)
        {
            return RequestBody.BadRequest($"cardType: {sale.CardType} is not a byte");
        }

        // An outlet terminal registers its own sales: signed, an active top-up outlet, at its own operator's counter.
        if (request.Headers.ContainsKey(DeviceSignature.DeviceHeader))
        {
            var (_, refused) = await LifecycleEndpoints.OutletDeviceAsync(request, body!, sale.OutletId);
            if (refused is not null)
            {
                return refused;
            }
        }

        // The figures are the client's to get right (400); a sale that clashes with what is stored is a 409 below.
        var registration = new Clearing.Registry.CardSale(asn, city, (byte)sale.CardType, sale.DepositFen, sale.BalanceFen, sale.OfflineCounter, sale.OnlineCounter, sale.OutletId);
        if (CentreRegistry.SaleProblem(registration) is { } wrong)
        {
            return RequestBody.BadRequest(wrong);
        }

        var card = registry.SellCards([registration])[0];
        return TypedResults.Created($"/api/cards/{card.Asn}", CardView(card));
    }

    /// <summary>
    /// Null when <paramref name="asn"/> is a registered card's ASN (then in <paramref name="card"/>); else the answer: 400
    /// for a malformed ASN, 404 for one no card has, as every card view answers.
    /// </summary>
    internal static IResult? KnownCard(string asn, IClearingStore store, out Asn card)
    {
        if (!TryAsn(asn, out card, out var problem))
        {
            return problem!;
        }

        var cardAsn = card;
        return store.Read(r => r.FindCard(cardAsn)) is null
            ? TypedResults.Problem(detail: $"card {cardAsn} is not registered", statusCode: StatusCodes.Status404NotFound, title: "Unknown card")
            : null;
    }

    private static IResult Lookup(string asn, IClearingStore store)
    {
        if (!TryAsn(asn, out var cardAsn, out var problem))
        {
            return problem!;
        }

        var card = store.Read(r => r.FindCard(cardAsn));
        if (card is null)
        {
            return TypedResults.Problem(detail: $"card {cardAsn} is not registered", statusCode: StatusCodes.Status404NotFound, title: "Unknown card");
        }

        var history = store.Read(r => r.CardHistory(cardAsn)).Select(RecordView);
        return TypedResults.Ok(new { card = CardView(card), history });
    }

    private static IResult RecordsByOutcome(IClearingStore store, string? outcome, int? limit)
    {
        var name = outcome ?? "suspect";
        var wanted = Enum.GetValues<RecordOutcome>().FirstOrDefault(o => string.Equals(o.Name(), name, StringComparison.OrdinalIgnoreCase));
        if (wanted == 0)
        {
            return RequestBody.BadRequest($"outcome: '{name}' is not accepted, duplicate, rejected or suspect");
        }

        if (limit is < 1 or > 10_000)
        {
            return RequestBody.BadRequest($"limit: {limit} is outside 1..10000");
        }

        return TypedResults.Ok(store.Read(r => r.RecordsByOutcome(wanted, limit ?? 100)).Select(RecordView));
    }

    private static async Task<IResult> ReviewAsync(uint device, uint batch, int index, HttpRequest request, SuspectReview review, IOptions<JsonOptions> json, CancellationToken cancellation)
    {
        var (body, problem) = await RequestBody.ReadAsync(request, 16 * 1024, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        var (decision, invalid) = RequestBody.Json<ReviewRequest>(body!, json.Value.SerializerOptions);
        if (invalid is not null)
        {
            return invalid;
        }

        var choice = decision!.Decision?.ToLowerInvariant() switch
        {
            "accept" => ReviewDecision.Accept,
            "reject" => ReviewDecision.Reject,
            _ => (ReviewDecision?)null,
        };
        if (choice is null)
        {
            return RequestBody.BadRequest($"decision: '{decision.Decision}' is not accept or reject");
        }

        var stored = review.Decide(device, batch, index, choice.Value, decision.Reason ?? string.Empty, OperatorAuthentication.Current(request.HttpContext)!.Name);
        return TypedResults.Ok(RecordView(stored));
    }

    private static IResult Settle(string date, SettlementService settlement)
    {
        if (!TryDate(date, out var day, out var problem))
        {
            return problem!;
        }

        var (report, replayed) = settlement.Settle(day);
        if (!report.Reconciled && !replayed)
        {
            // Refused: nothing was stored or paid; the day stays open until the differences are put right.
            return TypedResults.Problem(
                detail: $"settlement {date} refused: the reconciliation found {report.Differences.Count} differences; nothing was settled, posted or paid",
                statusCode: StatusCodes.Status409Conflict,
                title: "Settlement refused",
                extensions: new Dictionary<string, object?> { ["differences"] = report.Differences });
        }

        return TypedResults.Ok(new { report, replayed });
    }

    private static IResult Settlement(string date, IClearingStore store)
    {
        if (!TryDate(date, out var day, out var problem))
        {
            return problem!;
        }

        var report = store.Read(r => r.FindSettlement(day));
        return report is null
            ? TypedResults.Problem(detail: $"{date} is not settled", statusCode: StatusCodes.Status404NotFound, title: "Not settled")
            : TypedResults.Ok(report);
    }

    private static IResult SettlementFile(string date, IClearingStore store)
    {
        if (!TryDate(date, out var day, out var problem))
        {
            return problem!;
        }

        var report = store.Read(r => r.FindSettlement(day));
        return report is null
            ? TypedResults.Problem(detail: $"{date} is not settled", statusCode: StatusCodes.Status404NotFound, title: "Not settled")
            : TypedResults.Text(SettlementCsv.Format(report), "text/csv");
    }

    private static bool TryDate(string text, out DateOnly day, out IResult? problem)
    {
        problem = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day)
            ? null
            : RequestBody.BadRequest($"date: '{text}' is not a date YYYY-MM-DD");
        return problem is null;
    }

    internal static bool TryAsn(string text, out Asn asn, out IResult? problem)
    {
        try
        {
            asn = Asn.Parse(text, "asn");
            problem = null;
            return true;
        }
        catch (ArgumentException e)
        {
            asn = default;
            problem = RequestBody.BadRequest(e);
            return false;
        }
    }

    private static object CardView(CardAccount c) => new
    {
        asn = c.Asn.ToString(),
        city = c.City.ToString(),
        c.CardType,
        status = c.Status,
        c.ShadowBalanceFen,
        c.DepositFen,
        c.OfflineNext,
        c.OnlineNext,
        c.OpenGaps,
        c.BlacklistedVersion,
    };

    private static object RecordView(StoredRecord s) => new
    {
        s.DeviceId,
        s.BatchNumber,
        index = s.Record.Index,
        asn = s.Record.Key.Asn.ToString(),
        kind = s.Record.Kind,
        counter = s.Record.Key.Counter,
        time = s.Record.Order.Time,
        s.Record.AmountFen,
        s.Record.BalanceBeforeFen,
        s.Record.BalanceAfterFen,
        outcome = s.Record.Outcome.Name(),
        reason = s.Record.Reason.Name(),
        reasonCode = (int)s.Record.Reason,
    };

}
