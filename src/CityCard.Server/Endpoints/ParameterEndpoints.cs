using CityCard.Clearing;
using CityCard.Clearing.Parameters;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Storage;
using CityCard.Server.Parameters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using CityCard.Clearing.Operators;
using CityCard.Server.Authentication;

namespace CityCard.Server.Endpoints;

/// <summary>
/// Back-office endpoints for the parameter files the centre publishes (content, current version, the pickup log) and
/// the long-open gaps alarm. Like the other back-office endpoints they are for the centre's own network.
/// </summary>
internal static class ParameterEndpoints
{
    private const int MaxLimit = 10_000;

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/parameters", Current).WithSummary("The current parameter version (published now if the content or blacklist changed) and its content.").Needs(OperatorRole.Viewer);
        app.MapGet("/api/parameters/file", File).WithSummary("The current full signed parameter file (for terminals loaded by hand).").Needs(OperatorRole.Viewer);
        app.MapPut("/api/parameters/content", SetContentAsync).Accepts<CityCard.Terminals.Parameters.TerminalParameters>("application/json").WithSummary("Set the parameter content (fares, transfers, concessions, discounts, taxi tariff, doors) as JSON; published at the next request (supervisor).").Needs(OperatorRole.Supervisor);
        app.MapGet("/api/parameters/pickups", Pickups).WithSummary("When each device received each parameter version (newest first; ?device=N&limit=N).").Needs(OperatorRole.Viewer);
        app.MapGet("/api/gaps", Gaps).WithSummary("Cards whose reserved gaps have been open longer than the waiting period (?olderThanDays=N&limit=N).").Needs(OperatorRole.Viewer);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<CurrentView> Current(ParameterPublisher publisher)
    {
        var publication = publisher.Publish();
        var (_, parameters) = publisher.FullFile(publication);
        return TypedResults.Ok(new CurrentView(
            publication.Version,
            publication.ContentVersion,
            publication.BlacklistVersion,
            publication.PublishedUtc,
            parameters.Blacklist.Count,
            System.Text.Json.Nodes.JsonNode.Parse(ParameterPublisher.FormatContent(parameters))));
    }

    private static Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult File(ParameterPublisher publisher)
    {
        var publication = publisher.Publish();
        return TypedResults.Bytes(publisher.FullFile(publication).File, "application/json", $"parameters-v{publication.Version}.json");
    }

    private static async Task<IResult> SetContentAsync(HttpRequest request, ParameterPublisher publisher, string? note, CancellationToken cancellation)
    {
        var (body, problem) = await RequestBody.ReadAsync(request, ParameterPublisher.MaxContentBytes, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            var content = publisher.SetContent(body!, note ?? "set over HTTP");
            return TypedResults.Ok(new { content.ContentVersion, content.SetUtc, content.Note });
        }
        catch (ClearingInputException e)
        {
            return RequestBody.BadRequest(e.Message);
        }
    }

    private static IResult Pickups(IClearingStore store, uint? device, int? limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return RequestBody.BadRequest($"limit: {limit} is outside 1..{MaxLimit}");
        }

        return TypedResults.Ok(store.Read(r => r.ParameterPickups(device, limit ?? 100)).Select(PickupView));
    }

    private static IResult Gaps(GapAlarm alarm, int? olderThanDays, int? limit)
    {
        if (olderThanDays is < 0 or > Settings.MaxGapWaitingDays)
        {
            return RequestBody.BadRequest($"olderThanDays: {olderThanDays} is outside 0..{Settings.MaxGapWaitingDays}");
        }

        if (limit is < 1 or > MaxLimit)
        {
            return RequestBody.BadRequest($"limit: {limit} is outside 1..{MaxLimit}");
        }

        var found = alarm.Find(olderThanDays, limit ?? 1_000);
        return TypedResults.Ok(new
        {
            waitingPeriodDays = found.WaitingDays,
            found.OpenedBefore,
            found.Truncated,
            cards = found.ByCard.Select(card => new
            {
                asn = card.Key.ToString(),
                gaps = card.Select(g => new { counterKind = g.Kind.ToString().ToLowerInvariant(), g.Counter, g.OpenedUtc }),
            }),
        });
    }

    private static object PickupView(ParameterPickup p) => new
    {
        p.DeviceId,
        p.Version,
        p.BlacklistVersion,
        kind = p.Delta ? "delta" : "full",
        p.PickedUpUtc,
    };

    /// <summary>The current parameter version as <c>GET /api/parameters</c> shows it.</summary>
    internal sealed record CurrentView(uint Version, uint ContentVersion, uint BlacklistVersion, DateTimeOffset PublishedUtc, int BlacklistedCards, System.Text.Json.Nodes.JsonNode? Content);
}
