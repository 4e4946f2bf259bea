namespace CityCard.Cards.Cos;

/// <summary>The kind of a pending purse session.</summary>
internal enum PurseSessionKind
{
    Load,
    Purchase,
    CappPurchase,
}
