using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CityCard.Cli.Commands;

/// <summary>The centre's back-office lifecycle endpoints over HTTP, for the outlet terminal's counter operations.</summary>
internal sealed class CentreClient(HttpClient client, Uri centre)
{
    /// <summary>POSTs a JSON body; the answer, or the centre's refusal as a <see cref="CliFailure"/> naming it.</summary>
    public JsonElement Post(string path, JsonObject body, string what)
    {
        try
        {
            using var response = client.PostAsJsonAsync(new Uri(centre, path), body).GetAwaiter().GetResult();
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
            using var response = client.GetAsync(new Uri(centre, path)).GetAwaiter().GetResult();
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
