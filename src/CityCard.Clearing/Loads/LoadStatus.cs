namespace CityCard.Clearing.Loads;

/// <summary>Where an online load stands.</summary>
public enum LoadStatus : byte
{
    /// <summary>MAC1 verified, amount reserved, MAC2 given to the outlet.</summary>
    Authorised = 1,

    /// <summary>The card's load TAC verified: the card has the value; the outlet's batch record posts it.</summary>
    Confirmed = 2,
}
