namespace CityCard.Clearing.Registry;

/// <summary>Whether a device may upload.</summary>
public enum DeviceStatus : byte
{
    /// <summary>Uploads are accepted.</summary>
    Active = 1,

    /// <summary>Revoked: every upload is refused (stored, never cleared).</summary>
    Revoked = 2,
}
