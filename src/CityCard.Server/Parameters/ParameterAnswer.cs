using CityCard.Clearing.Parameters;

namespace CityCard.Server.Parameters;

/// <summary>What the centre answers a device that asks for parameters.</summary>
/// <param name="Publication">The latest published version.</param>
/// <param name="File">The signed file (full or delta), or null when the device is up to date.</param>
/// <param name="Delta">True when <paramref name="File"/> is a delta.</param>
public sealed record ParameterAnswer(ParameterPublication Publication, byte[]? File, bool Delta);
