namespace CityCard.Clearing.Parameters;

/// <summary>A device fetched a parameter version from the centre (the first time it did; later fetches of the same version do not move it).</summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Version">The parameter version it received.</param>
/// <param name="BlacklistVersion">The blacklist version inside it.</param>
/// <param name="Delta">True when it came as a delta, false for a full file.</param>
/// <param name="PickedUpUtc">When the centre served it.</param>
public sealed record ParameterPickup(uint DeviceId, uint Version, uint BlacklistVersion, bool Delta, DateTimeOffset PickedUpUtc);
