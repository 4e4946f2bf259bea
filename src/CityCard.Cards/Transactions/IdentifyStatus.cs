namespace CityCard.Cards.Transactions;

/// <summary>Result of identifying a card.</summary>
internal enum IdentifyStatus
{
    Identified,
    NotCityCard,
    Lost,
}
