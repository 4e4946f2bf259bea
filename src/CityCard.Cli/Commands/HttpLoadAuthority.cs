using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityCard.Cards.Transactions;
using CityCard.Security;
using CityCard.Security.Ep;
using CityCard.Server.Authentication;

namespace CityCard.Cli.Commands;

/// <summary>
/// The centre as an outlet's load host over HTTP: <c>POST /api/loads/authorise</c> (the centre verifies MAC1 with the
/// issuer load key and answers host date-time and MAC2) and <c>POST /api/loads/confirm</c> (it verifies the card's TAC),
/// each signed with the outlet's upload key (docs/clearing.md).
/// </summary>
internal sealed class HttpLoadAuthority(HttpClient client, Uri centre, uint deviceId, byte[] uploadKey, TimeProvider clock) : ILoadAuthority
{
    /// <summary>True when the loads write the card's pending credits at the centre (no cash), docs/lifecycle.md.</summary>
    public bool ClaimCredits { get; init; }

    /// <summary>Where the centre's reason for a refused authorisation is written (the command's standard error).</summary>
    public TextWriter? Log { get; init; }

    public LoadAuthorization Authorize(LoadRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (ok, status, answer) = Post("api/loads/authorise", new JsonObject
        {
            ["asn"] = request.Asn.ToString(),
            ["city"] = request.City.ToString(),
            ["balanceBeforeFen"] = request.BalanceBefore,
            ["amountFen"] = request.Amount,
            ["onlineCounter"] = request.OnlineCounter,
            ["keyVersion"] = request.KeyVersion,
            ["algorithm"] = request.Algorithm.Name(),
            ["random"] = Hex.Format(request.CardRandom),
            ["terminal"] = request.Terminal.ToString(),
            ["mac1"] = Hex.Format(request.Mac1),
            ["claimCredits"] = ClaimCredits,
        });
        if (!ok)
        {
            // The centre's own reason for the clerk: a revoked outlet, a blacklisted card and a wrong URL need different
            // remedies, and the terminal's own result says only that the load was declined.
            Log?.WriteLine($"--centre {centre}: the centre refused the load ({Problem((status, answer))}); nothing was loaded");
            return LoadAuthorization.Refuse(answer.Contains("MAC1", StringComparison.OrdinalIgnoreCase) ? LoadDecision.Mac1Invalid : LoadDecision.Declined);
        }

        using var document = JsonDocument.Parse(answer);
        var root = document.RootElement;
        return LoadAuthorization.Approve(
            BcdDateTime.Parse(root.GetProperty("hostDateTime").GetString(), "hostDateTime"),
            uint.Parse(root.GetProperty("mac2").GetString()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    public bool VerifyTac(LoadRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var (ok, _, _) = Post("api/loads/confirm", new JsonObject
        {
            ["asn"] = record.Request.Asn.ToString(),
            ["onlineCounter"] = record.Request.OnlineCounter,
            ["keyVersion"] = record.Request.KeyVersion,
            ["algorithm"] = record.Request.Algorithm.Name(),
            ["tac"] = Hex.Format(record.Tac),
        });
        return ok;
    }

    private static string Problem((int Status, string Body) answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer.Body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("detail", out var detail))
            {
                return $"{answer.Status}: {detail}";
            }
        }
        catch (JsonException)
        {
        }

        var text = answer.Body.Length > 200 ? answer.Body[..200] : answer.Body;
        return text.Length == 0 ? answer.Status.ToString(CultureInfo.InvariantCulture) : $"{answer.Status}: {text}";
    }

    private (bool Ok, int Status, string Answer) Post(string path, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        var target = new Uri(centre, path);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        using var message = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(bytes) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.Add(DeviceSignature.DeviceHeader, deviceId.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add(DeviceSignature.TimeHeader, now.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add(DeviceSignature.SignatureHeader, DeviceSignature.Compute(uploadKey, "POST", target.PathAndQuery, now, bytes));
        try
        {
            using var response = client.Send(message);
            return (response.IsSuccessStatusCode, (int)response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        }
        catch (HttpRequestException e)
        {
            // At the confirmation the card has already been credited: the load stays pending in the journal and is
            // finished when the same card is presented again, so "nothing was loaded" would be wrong here.
            throw new CliFailure(path.EndsWith("confirm", StringComparison.Ordinal)
                ? $"--centre {centre}: cannot reach the centre to confirm the load ({e.Message}); present the same card again when the centre answers (it will be loaded once)"
                : $"--centre {centre}: cannot reach the centre ({e.Message}); nothing was loaded", e);
        }
    }
}
