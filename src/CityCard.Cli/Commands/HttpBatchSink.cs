using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CityCard.Terminals.Core;

namespace CityCard.Cli.Commands;

/// <summary>
/// Uploads batch files to the centre's <c>POST /api/batches</c>. 200 (cleared, or the same receipt again for a batch
/// already received) acknowledges the file; 422 (refused: the centre stored why) and any other answer leave it in the
/// outbox, and the reason is reported. The file MAC authenticates the device.
/// </summary>
internal sealed class HttpBatchSink(HttpClient client, Uri centre, TextWriter log) : IBatchSink
{
    public bool Deliver(string fileName, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        HttpResponseMessage response;
        try
        {
            response = client.PostAsync(new Uri(centre, "api/batches"), body).GetAwaiter().GetResult();
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure($"--centre {centre}: cannot reach the centre ({e.Message}); the batches stay in the outbox", e);
        }

        using (response)
        {
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                log.WriteLine($"{fileName}: {Summary(text)}");
                return true;
            }

            log.WriteLine($"{fileName}: not accepted ({(int)response.StatusCode}): {Summary(text)}; it stays in the outbox");
            return false;
        }
    }

    private static string Summary(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.TryGetProperty("receipt", out var receipt) && receipt.TryGetProperty("refusal", out var refusal) && refusal.ValueKind == JsonValueKind.String)
            {
                // A refused file's totals are all zero; what the installer needs is the centre's stored reason.
                var message = receipt.TryGetProperty("message", out var m) ? m.ToString() : string.Empty;
                return $"refused ({refusal.GetString()}): {message}";
            }

            if (root.TryGetProperty("receipt", out receipt) && receipt.TryGetProperty("totals", out var totals))
            {
                var replayed = root.TryGetProperty("replayed", out var r) && r.ValueKind == JsonValueKind.True;
                return $"{(replayed ? "already received — " : string.Empty)}{totals}";
            }

            return root.TryGetProperty("detail", out var detail) ? detail.ToString() : json;
        }
        catch (JsonException)
        {
            return json.Length > 200 ? json[..200] : json;
        }
    }
}
