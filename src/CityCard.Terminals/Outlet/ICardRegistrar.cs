namespace CityCard.Terminals.Outlet;

/// <summary>The centre's card registry as an outlet sees it: a sold card is registered before it is handed over.</summary>
public interface ICardRegistrar
{
    /// <summary>Registers the sale; throws when the centre refuses it (the card is then not sold).</summary>
    void Register(SoldCard sale);
}
