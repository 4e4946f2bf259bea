namespace CityCard.Cards.Transactions;

/// <summary>What reading EF 0019 gave.</summary>
public enum ConcessionRead
{
    /// <summary>Read and decoded.</summary>
    Read,

    /// <summary>The card has no EF 0019.</summary>
    Absent,

    /// <summary>The card answered with an error or contents that do not decode.</summary>
    Unreadable,

    /// <summary>The card left the field.</summary>
    Lost,
}
