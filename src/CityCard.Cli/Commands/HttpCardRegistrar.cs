using System.Text.Json.Nodes;
using CityCard.Terminals.Outlet;

namespace CityCard.Cli.Commands;

/// <summary>
/// Registers a sold card with the centre's <c>POST /api/cards</c>, signed as the outlet device (the centre checks that the
/// device is an active outlet selling at its own operator's counter); a refusal stops the sale.
/// </summary>
internal sealed class HttpCardRegistrar(CentreClient centre) : ICardRegistrar
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
        try
        {
            centre.Post("api/cards", body, $"to register card {sale.Asn}");
        }
        catch (CliFailure e)
        {
            throw new CliFailure($"{e.Message}; the card was not sold", e);
        }
    }
}
