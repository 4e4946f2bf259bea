using System.Globalization;
using System.Net;
using System.Text.Json;
using CityCard.Server.Authentication;
using CityCard.Terminals.Core;

namespace CityCard.Cli.Commands;

/// <summary>
/// The centre's <c>GET /api/devices/parameters?have=V</c>, signed with the terminal's upload key (docs/clearing.md):
/// 200 carries a signed file (delta or full), 204 means up to date; any other answer is a refusal naming the problem.
/// </summary>
internal sealed class HttpParameterSource(HttpClient client, Uri centre, uint deviceId, byte[] uploadKey, TimeProvider clock) : IParameterSource
{
    public byte[]? Fetch(uint haveVersion)
    {
        var target = new Uri(centre, $"api/devices/parameters?have={haveVersion.ToString(CultureInfo.InvariantCulture)}");
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        using var message = new HttpRequestMessage(HttpMethod.Get, target);
        message.Headers.Add(DeviceSignature.DeviceHeader, deviceId.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add(DeviceSignature.TimeHeader, now.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add(DeviceSignature.SignatureHeader, DeviceSignature.Compute(uploadKey, "GET", target.PathAndQuery, now, []));
        HttpResponseMessage response;
        try
        {
            response = client.Send(message);
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure($"--centre {centre}: cannot reach the centre ({e.Message}); the installed parameters stay", e);
        }

        using (response)
        {
            var body = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            return response.StatusCode switch
            {
                HttpStatusCode.OK => body,
                HttpStatusCode.NoContent => null,
                _ => throw new CliFailure($"--centre {centre}: parameters refused ({(int)response.StatusCode}): {Detail(body)}; the installed parameters stay"),
            };
        }
    }

    private static string Detail(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("detail", out var detail) ? detail.ToString() : document.RootElement.ToString();
        }
        catch (JsonException)
        {
            return body.Length == 0 ? "no detail" : System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200));
        }
    }
}
