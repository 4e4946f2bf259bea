namespace CityCard.Cards.Chip;

/// <summary>
/// A reproducible random source for simulations and tests: the same seed gives the same bytes. Predictable by design,
/// so never for a card that protects real value.
/// </summary>
public sealed class SeededRandomSource : IRandomSource
{
    private readonly Random random;

    /// <summary>Creates the source from a seed.</summary>
    public SeededRandomSource(int seed) => random = new Random(seed);

    /// <inheritdoc />
#pragma warning disable CA5394 // Reproducibility is the point of this source; it is documented as not secure.
    public void Fill(Span<byte> destination) => random.NextBytes(destination);
#pragma warning restore CA5394
}
