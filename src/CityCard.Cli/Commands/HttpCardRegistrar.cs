using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CityCard.Terminals.Outlet;

namespace CityCard.Cli.Commands;

/// <summary>Registers a sold card with the centre's <c>POST /api/cards</c>; a refusal stops the sale.</summary>
internal sealed class HttpCardRegistrar(HttpClient client, Uri centre) : ICardRegistrar
{
    public void Register(SoldCard sale)
    {
        ArgumentNullException.ThrowIfNull(sale);
        var body = new JsonObject
        {
            ["asn"] = sale.Asn.ToString(),
            ["city"] = sale.City.ToString(),
            ["cardType"] = sale.CardType,
            ["depositFen"] = sale.DepositFen,
            ["balanceFen"] = sale.BalanceFen,
            ["offlineCounter"] = sale.OfflineCounter,
            ["onlineCounter"] = sale.OnlineCounter,
            ["outletId"] = sale.OutletOperatorId,
        };
        HttpResponseMessage response;
        try
        {
            response = client.PostAsJsonAsync(new Uri(centre, "api/cards"), body).GetAwaiter().GetResult();
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure($"--centre {centre}: cannot reach the centre ({e.Message}); the card was not sold", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                throw new CliFailure($"the centre refused to register card {sale.Asn} ({(int)response.StatusCode}: {text}); the card was not sold");
            }
        }
    }
}
