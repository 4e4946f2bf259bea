namespace CityCard.Cards.Cos;

/// <summary>The elementary files of the card's file system.</summary>
internal enum CardFile
{
    None,
    Dir,
    PublicInfo,
    Cardholder,
    Capp,
    History,
    Concession,
}
