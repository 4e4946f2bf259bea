using System.Security.Cryptography;

namespace CityCard.Cards.Chip;

/// <summary>
/// The default random source: the operating system's cryptographic generator. Small requests are served from a buffer
/// refilled 256 bytes at a time, because each call into the system generator costs microseconds and a purchase needs
/// only 4 bytes. Thread-safe.
/// </summary>
public sealed class SystemRandomSource : IRandomSource
{
    /// <summary>The shared instance.</summary>
    public static readonly SystemRandomSource Instance = new();

    private const int BufferSize = 256;
    private readonly Lock gate = new();
    private readonly byte[] buffer = new byte[BufferSize];
    private int position = BufferSize;

    private SystemRandomSource()
    {
    }

    /// <inheritdoc />
    public void Fill(Span<byte> destination)
    {
        if (destination.Length > BufferSize / 4)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }

        lock (gate)
        {
            if (position + destination.Length > BufferSize)
            {
                RandomNumberGenerator.Fill(buffer);
                position = 0;
            }

            var chunk = buffer.AsSpan(position, destination.Length);
            chunk.CopyTo(destination);

            // Handed-out bytes are wiped so they never linger in memory.
            chunk.Clear();
            position += destination.Length;
        }
    }
}
