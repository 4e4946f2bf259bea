namespace CityCard.Clearing.Registry;

/// <summary>A card's life-cycle state in the centre.</summary>
public enum CardStatus : byte
{
    /// <summary>In use.</summary>
    Active = 1,

    /// <summary>Reported lost or stolen: on the blacklist; late offline records are still cleared when the terminal did not yet know.</summary>
    Lost = 2,

    /// <summary>Cancelled (refunded or replaced): every further record is rejected.</summary>
    Cancelled = 3,
}
