using System.Buffers.Binary;
using CityCard.Clearing.Loads;
using CityCard.Clearing.Storage;
using CityCard.Security;
using CityCard.Security.Ep;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CityCard.Server.Endpoints;

/// <summary>
/// Online load (圈存) for top-up outlets, signed like every device request: <c>POST /api/loads/authorise</c> verifies
/// MAC1 and answers the host date-time and MAC2; <c>POST /api/loads/confirm</c> verifies the card's load TAC. The load is
/// posted when the outlet's batch record clears (docs/clearing.md).
/// </summary>
internal static class LoadEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/api/loads/authorise", AuthoriseAsync).WithSummary("Verify a card's MAC1 and answer the host date-time and MAC2 (signed outlet request).").Accepts<LoadAuthoriseRequest>("application/json").SignedBy(Signer.Device);
        app.MapPost("/api/loads/confirm", ConfirmAsync).WithSummary("Verify the card's load TAC (signed outlet request).").Accepts<LoadConfirmRequest>("application/json").SignedBy(Signer.Device);
    }

    private static async Task<IResult> AuthoriseAsync(HttpRequest request, OnlineLoads loads, IClearingStore store, ServerOptions options, IOptions<JsonOptions> json, CancellationToken cancellation)
    {
        var (body, problem) = await RequestBody.ReadAsync(request, 16 * 1024, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        var (device, refused) = await DeviceEndpoints.AuthenticateAsync(request, store, options, body!);
        if (refused is not null)
        {
            return refused;
        }

        var (r, invalid) = RequestBody.Json<LoadAuthoriseRequest>(body!, json.Value.SerializerOptions);
        if (invalid is not null)
        {
            return invalid;
        }

        LoadRequest load;
        try
        {
            load = new LoadRequest
            {
                Asn = Asn.Parse(r!.Asn, "asn"),
                City = CityCode.Parse(r.City ?? "2144", "city"),
                BalanceBeforeFen = r.BalanceBeforeFen,
                AmountFen = r.AmountFen,
                OnlineCounter = r.OnlineCounter is >= 0 and <= ushort.MaxValue ? (ushort)r.OnlineCounter : throw new ArgumentException($"onlineCounter: {r.OnlineCounter} is not 0..65535"),
                KeyVersion = r.KeyVersion is >= 0 and <= 255 ? (byte)r.KeyVersion : throw new ArgumentException($"keyVersion: {r.KeyVersion} is not 0..255"),
                Algorithm = EpAlgorithms.Parse(r.Algorithm ?? "des", "algorithm"),
                Random = Word(r.Random, "random"),
                Terminal = TerminalId.Parse(r.Terminal, "terminal"),
                Mac1 = Word(r.Mac1, "mac1"),
                ClaimCredits = r.ClaimCredits,
            };
        }
        catch (ArgumentException e)
        {
            return RequestBody.BadRequest(e);
        }

        // The figures are the client's to get right (400); what the centre's records refuse is a 409 from Authorise.
        if (OnlineLoads.RequestProblem(load) is { } wrong)
        {
            return RequestBody.BadRequest(wrong);
        }

        var pending = loads.Authorise(device!.DeviceId, load);
        return TypedResults.Ok(new { hostDateTime = pending.HostDateTime.ToString(), mac2 = Hex.Format(pending.Mac2), status = pending.Status });
    }

    private static async Task<IResult> ConfirmAsync(HttpRequest request, OnlineLoads loads, IClearingStore store, ServerOptions options, IOptions<JsonOptions> json, CancellationToken cancellation)
    {
        var (body, problem) = await RequestBody.ReadAsync(request, 16 * 1024, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        var (device, refused) = await DeviceEndpoints.AuthenticateAsync(request, store, options, body!);
        if (refused is not null)
        {
            return refused;
        }

        var (r, invalid) = RequestBody.Json<LoadConfirmRequest>(body!, json.Value.SerializerOptions);
        if (invalid is not null)
        {
            return invalid;
        }

        try
        {
            var asn = Asn.Parse(r!.Asn, "asn");
            var counter = r.OnlineCounter is >= 0 and <= ushort.MaxValue ? (ushort)r.OnlineCounter : throw new ArgumentException($"onlineCounter: {r.OnlineCounter} is not 0..65535");
            var version = r.KeyVersion is >= 0 and <= 255 ? (byte)r.KeyVersion : throw new ArgumentException($"keyVersion: {r.KeyVersion} is not 0..255");
            var confirmed = loads.Confirm(device!.DeviceId, asn, counter, Word(r.Tac, "tac"), EpAlgorithms.Parse(r.Algorithm ?? "des", "algorithm"), version);
            return TypedResults.Ok(new { status = confirmed.Status });
        }
        catch (ArgumentException e)
        {
            return RequestBody.BadRequest(e);
        }
    }

    private static uint Word(string? hex, string name) => BinaryPrimitives.ReadUInt32BigEndian(Hex.Parse(hex, name, 4));
}
