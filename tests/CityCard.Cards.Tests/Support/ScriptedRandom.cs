using CityCard.Cards.Chip;
using CityCard.Security;

namespace CityCard.Cards.Tests.Support;

/// <summary>A random source that hands out scripted bytes, for byte-exact replays of reference traces.</summary>
internal sealed class ScriptedRandom : IRandomSource
{
    private readonly Queue<byte> bytes = new();

    public ScriptedRandom(params string[] hexChunks)
    {
        foreach (var chunk in hexChunks)
        {
            foreach (var b in Hex.Parse(chunk, "random"))
            {
                bytes.Enqueue(b);
            }
        }
    }

    public void Fill(Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = bytes.Count > 0 ? bytes.Dequeue() : throw new InvalidOperationException("the scripted random bytes are exhausted");
        }
    }
}
