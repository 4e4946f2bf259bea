using CityCard.Cards.Chip;

namespace CityCard.Cards.Cos;

/// <summary>Runtime options of a software card (not stored in its image).</summary>
public sealed record SoftCardOptions
{
    /// <summary>Default options: cryptographic randomness, no tearing hook.</summary>
    public static SoftCardOptions Default { get; } = new();

    /// <summary>The chip's random source (challenges and INIT randoms).</summary>
    public IRandomSource Random { get; init; } = SystemRandomSource.Instance;

    /// <summary>A fault-injection hook on the persistent memory (tests and simulation only).</summary>
    public ITearingHook? TearingHook { get; init; }
}
