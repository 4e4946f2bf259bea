namespace CityCard.Cards.Chip;

/// <summary>
/// The card chip's random number generator (challenges, the pseudo-random number of INIT responses). Injectable so that
/// tests replay reference traces byte for byte and the simulator replays a seed; production cards use
/// <see cref="SystemRandomSource"/>.
/// </summary>
public interface IRandomSource
{
    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    void Fill(Span<byte> destination);
}
