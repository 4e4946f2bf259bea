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

    public LoadAuthorization Authorize(LoadRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (ok, answer) = Post("api/loads/authorise", new JsonObject
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
        var (ok, _) = Post("api/loads/confirm", new JsonObject
        {
            ["asn"] = record.Request.Asn.ToString(),
            ["onlineCounter"] = record.Request.OnlineCounter,
            ["keyVersion"] = record.Request.KeyVersion,
            ["algorithm"] = record.Request.Algorithm.Name(),
            ["tac"] = Hex.Format(record.Tac),
        });
        return ok;
    }

    private (bool Ok, string Answer) Post(string path, JsonObject body)
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
            return (response.IsSuccessStatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure($"--centre {centre}: cannot reach the centre ({e.Message}); nothing was loaded", e);
        }
    }
}
