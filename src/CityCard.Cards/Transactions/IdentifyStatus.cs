namespace CityCard.Cards.Transactions;

/// <summary>Result of identifying a card.</summary>
public enum IdentifyStatus
{
    /// <summary>The city-card application was selected and EF 0015 read.</summary>
    Identified,

    /// <summary>The card answered but is not a city card (or its EF 0015 is unreadable).</summary>
    NotCityCard,

    /// <summary>The card left the field.</summary>
    Lost,
}
