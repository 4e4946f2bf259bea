namespace CityCard.Cards.Transactions;

/// <summary>How a generic card reading ended.</summary>
public enum ReadOutcome
{
    /// <summary>Everything was read.</summary>
    Read,

    /// <summary>The card does not carry the city-card application, or EF 0015 is unreadable.</summary>
    NotCityCard,

    /// <summary>The card refused GET BALANCE or a record read, or returned an undecodable record.</summary>
    Refused,

    /// <summary>The card left during the reading.</summary>
    CardRemoved,
}
