using System.Text.Json;
using System.Text.Json.Nodes;

namespace CityCard.Cli.Commands;

/// <summary>
/// The centre's lifecycle endpoints over HTTP, for the outlet terminal's counter operations. With a device (id and upload
/// key) every request is signed like the outlet's loads (docs/clearing.md), and the centre takes the outlet from it.
/// </summary>
internal sealed class CentreClient(HttpClient client, Uri centre, (uint DeviceId, byte[] UploadKey)? device = null)
{
    /// <summary>POSTs a JSON body; the answer, or the centre's refusal as a <see cref="CliFailure"/> naming it.</summary>
    public JsonElement Post(string path, JsonObject body, string what)
    {
        try
        {
            using var message = Signed(HttpMethod.Post, new Uri(centre, path), System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()));
            using var response = client.Send(message);
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
            {
                var detail = TryDetail(text) ?? text;
                throw new CliFailure($"the centre refused {what} ({(int)response.StatusCode}: {detail})");
            }

            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure($"--centre {centre}: cannot reach the centre ({e.Message}); nothing was done", e);
        }
    }

    /// <summary>GETs a JSON answer.</summary>
    public JsonElement Get(string path, string what)
    {
        try
        {
            using var message = Signed(HttpMethod.Get, new Uri(centre, path), []);
            using var response = client.Send(message);
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            return response.IsSuccessStatusCode
                ? JsonDocument.Parse(text).RootElement.Clone()
                : throw new CliFailure($"the centre refused {what} ({(int)response.StatusCode}: {TryDetail(text) ?? text})");
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure($"--centre {centre}: cannot reach the centre ({e.Message}); nothing was done", e);
        }
    }

    private HttpRequestMessage Signed(HttpMethod method, Uri target, byte[] body)
    {
        var message = new HttpRequestMessage(method, target);
        if (method == HttpMethod.Post)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        if (device is { } signer)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            message.Headers.Add(Server.Authentication.DeviceSignature.DeviceHeader, signer.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            message.Headers.Add(Server.Authentication.DeviceSignature.TimeHeader, now.ToString(System.Globalization.CultureInfo.InvariantCulture));
            message.Headers.Add(Server.Authentication.DeviceSignature.SignatureHeader, Server.Authentication.DeviceSignature.Compute(signer.UploadKey, method.Method, target.PathAndQuery, now, body));
        }

        return message;
    }

    private static string? TryDetail(string text)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
