namespace CityCard.Security.Ep;

/// <summary>Limits of the electronic purse (电子钱包) itself, the same for every card and centre.</summary>
public static class EpPurse
{
    /// <summary>
    /// The largest balance a purse can hold, fen: the card keeps its balance as a signed 4-byte number (an overdrawn
    /// card's is negative), and every MAC and TAC covers those four bytes, so no load may take it above this.
    /// </summary>
    public const long MaxBalanceFen = int.MaxValue;
}
