namespace CityCard.Clearing.Loads;

/// <summary>Where an online load stands.</summary>
public enum LoadStatus : byte
{
    /// <summary>MAC1 verified, amount reserved, MAC2 given to the outlet.</summary>
    Authorised = 1,

    /// <summary>The card's load TAC verified: the card has the value; the outlet's batch record posts it.</summary>
    Confirmed = 2,

    /// <summary>Never confirmed, but the card's online counter at its next contact showed the load was written.</summary>
    Resolved = 3,

    /// <summary>Never confirmed and older than the policy allows: the outcome is decided at the card's next contact.</summary>
    Expired = 4,
}
