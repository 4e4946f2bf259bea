using CityCard.Cards.Apdu;
using CityCard.Cards.Cos;
using CityCard.Cards.Transactions;
using CityCard.Security.Keys;

namespace CityCard.Terminals.Common;

/// <summary>
/// Blocks a card with APPLICATION BLOCK (<c>84 1E 00 00 04</c>): GET CHALLENGE, then the line MAC of the header under the
/// card's maintenance key (DAMK), diversified from the issuer's maintenance master key. In a deployed terminal this key
/// stays inside the PSAM; here it is held by the process that owns the key set (the demo key set by default).
/// </summary>
public sealed class MaintenanceKeyBlocker(IssuerKeySet keySet) : ICardBlocker
{
    /// <inheritdoc />
    public bool Block(IApduChannel card)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (CardSession.Identify(card, out var info, out _) != IdentifyStatus.Identified || info is null)
        {
            return false;
        }

        var challenge = ResponseApdu.Exchange(card, CardCommands.GetChallenge());
        if (!challenge.IsSuccess || challenge.Data.Length != 4)
        {
            return false;
        }

        var damk = keySet.DeriveCardKeys(info.City, info.Asn).Maintenance;
        var mac = LineMac.Compute(damk, challenge.Data, CardCommands.ApplicationBlockHeader);
        return ResponseApdu.Exchange(card, CardCommands.ApplicationBlock(mac)).IsSuccess;
    }
}
