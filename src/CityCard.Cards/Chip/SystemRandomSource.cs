using System.Security.Cryptography;

namespace CityCard.Cards.Chip;

/// <summary>The default random source: the operating system's cryptographic generator.</summary>
public sealed class SystemRandomSource : IRandomSource
{
    /// <summary>The shared instance (stateless and thread-safe).</summary>
    public static readonly SystemRandomSource Instance = new();

    private SystemRandomSource()
    {
    }

    /// <inheritdoc />
    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
