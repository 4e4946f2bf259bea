using CityCard.Cards.Transactions;
using CityCard.Clearing;
using CityCard.Clearing.Loads;

namespace CityCard.Simulation.World;

/// <summary>
/// An outlet's line to the clearing centre's load host (<see cref="OnlineLoads"/>), in process: the same authorise and
/// confirm the server answers over HTTP, so every simulated outlet load is reserved, verified and resolved by the centre.
/// </summary>
internal sealed class CentreLoadHost(OnlineLoads loads, uint deviceId) : ILoadAuthority
{
    /// <summary>True while the outlet writes the card's pending credits (online top-ups, replacement value) rather than cash.</summary>
    public bool ClaimCredits { get; set; }

    public LoadAuthorization Authorize(Cards.Transactions.LoadRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            var pending = loads.Authorise(deviceId, new Clearing.Loads.LoadRequest
            {
                City = request.City,
                Asn = request.Asn,
                BalanceBeforeFen = request.BalanceBefore,
                AmountFen = request.Amount,
                OnlineCounter = request.OnlineCounter,
                KeyVersion = request.KeyVersion,
                Algorithm = request.Algorithm,
                Random = request.CardRandom,
                Terminal = request.Terminal,
                Mac1 = request.Mac1,
                ClaimCredits = ClaimCredits,
            });
            return LoadAuthorization.Approve(pending.HostDateTime, pending.Mac2);
        }
        catch (ClearingInputException e)
        {
            return LoadAuthorization.Refuse(e.Message.Contains("MAC1", StringComparison.Ordinal) ? LoadDecision.Mac1Invalid : LoadDecision.Declined);
        }
    }

    public bool VerifyTac(LoadRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            loads.Confirm(deviceId, record.Request.Asn, record.Request.OnlineCounter, record.Tac, record.Request.Algorithm, record.Request.KeyVersion);
            return true;
        }
        catch (ClearingInputException)
        {
            return false;
        }
    }
}
