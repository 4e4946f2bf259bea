using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Cards.Transactions;

/// <summary>
/// A load authority backed by an issuer key set: derives the card's DLK and DTK in two levels (city, then ASN), verifies
/// MAC1, answers MAC2 with the host time of <see cref="TimeProvider"/> (China Standard Time), and verifies the load TAC.
/// It approves every request whose MAC1 verifies; account and limit policy belongs to the clearing centre.
/// </summary>
public sealed class IssuerLoadAuthority : ILoadAuthority
{
    private readonly IssuerKeySet keySet;
    private readonly TimeProvider clock;

    /// <summary>Creates the authority; <paramref name="clock"/> defaults to the system clock.</summary>
    public IssuerLoadAuthority(IssuerKeySet keySet, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        this.keySet = keySet;
        this.clock = clock ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public LoadAuthorization Authorize(LoadRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Algorithm != keySet.Algorithm || request.KeyVersion != keySet.KeyVersion)
        {
            return LoadAuthorization.Refuse(LoadDecision.UnknownKey);
        }

        var loadKey = keySet.Master(KeyRole.Load).Diversify(request.City.DiversificationFactor(), request.Asn.ToBytes());
        var sessionKey = EpMacs.LoadSessionKey(loadKey, request.CardRandom, request.OnlineCounter);
        var mac1 = EpMacs.LoadMac1(sessionKey, unchecked((uint)request.BalanceBefore), request.Amount, TransactionType.Load, request.Terminal);
        if (mac1 != request.Mac1)
        {
            return LoadAuthorization.Refuse(LoadDecision.Mac1Invalid);
        }

        var hostTime = ChinaTime.Now(clock);
        return LoadAuthorization.Approve(hostTime, EpMacs.LoadMac2(sessionKey, request.Amount, TransactionType.Load, request.Terminal, hostTime));
    }

    /// <inheritdoc />
    public bool VerifyTac(LoadRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var request = record.Request;
        if (request.Algorithm != keySet.Algorithm || request.KeyVersion != keySet.KeyVersion || request.BalanceAfter > EpPurse.MaxBalanceFen)
        {
            return false;
        }

        var tacKey = keySet.Master(KeyRole.Tac).Diversify(request.City.DiversificationFactor(), request.Asn.ToBytes()).TacKey();
        var expected = EpMacs.LoadTac(
            tacKey, unchecked((uint)(int)request.BalanceAfter), request.OnlineCounter, request.Amount, TransactionType.Load, request.Terminal, record.HostDateTime);
        return expected == record.Tac;
    }
}
