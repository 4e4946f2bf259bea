using CityCard.Cards.Apdu;

namespace CityCard.Terminals.Common;

/// <summary>Blocks a blacklisted card's application (APPLICATION BLOCK with the maintenance-key line MAC).</summary>
public interface ICardBlocker
{
    /// <summary>Blocks the selected application; true when the card answered 9000.</summary>
    bool Block(IApduChannel card);
}
