using CityCard.Clearing.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CityCard.Server.Endpoints;

/// <summary>
/// <c>POST /api/batches</c>: a terminal uploads a batch file (application/octet-stream). The file MAC under the device's
/// upload key authenticates it. Idempotent by (device, batch number): 200 with the receipt's per-outcome counts for a
/// cleared batch (the same receipt for every upload of it), 422 with the stored refusal for a refused file.
/// </summary>
internal static class BatchEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/api/batches", UploadAsync)
            .WithName("UploadBatch")
            .WithSummary("Upload a batch file; the answer is the receipt with counts per outcome.")
            .Accepts<byte[]>("application/octet-stream")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status422UnprocessableEntity, contentType: "application/json");
    }

    private static async Task<IResult> UploadAsync(HttpRequest request, ClearingService clearing, ServerOptions options, CancellationToken cancellation)
    {
        var (body, problem) = await RequestBody.ReadAsync(request, options.MaxBodyBytes, cancellation);
        if (problem is not null)
        {
            return problem;
        }

        var result = await Task.Run(() => clearing.Ingest(body!), cancellation);
        var answer = new { receipt = result.Receipt, replayed = result.Replayed };
        return result.Receipt.Status == BatchStatus.Cleared
            ? TypedResults.Ok(answer)
            : TypedResults.UnprocessableEntity(answer);
    }
}
