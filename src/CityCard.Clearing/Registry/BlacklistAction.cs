namespace CityCard.Clearing.Registry;

/// <summary>What a blacklist version does to a card.</summary>
public enum BlacklistAction : byte
{
    /// <summary>The card is listed: terminals lock it on sight.</summary>
    Add = 1,

    /// <summary>The card is taken off the list.</summary>
    Remove = 2,
}
