namespace CityCard.Cards.Transactions;

/// <summary>
/// The host side of an online load (圈存): the only holder of the issuer's load key. It verifies the card's MAC1 and
/// returns the host date-time and MAC2 (STANDARDS.md §2.7), and afterwards verifies the card's TAC.
/// </summary>
public interface ILoadAuthority
{
    /// <summary>Decides on a load request; an approval carries the host date-time and MAC2.</summary>
    LoadAuthorization Authorize(LoadRequest request);

    /// <summary>True when the TAC of a completed load verifies with the issuer's TAC key.</summary>
    bool VerifyTac(LoadRecord record);
}
