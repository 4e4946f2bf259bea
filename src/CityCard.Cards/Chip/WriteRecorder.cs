namespace CityCard.Cards.Chip;

/// <summary>A tearing hook that never cuts the power but records the length of every write step, to enumerate them.</summary>
public sealed class WriteRecorder : ITearingHook
{
    private readonly List<int> lengths = [];

    /// <summary>The length in bytes of each write step seen, in order.</summary>
    public IReadOnlyList<int> WriteLengths => lengths;

    /// <inheritdoc />
    public int? CutPower(int writeIndex, int length)
    {
        lengths.Add(length);
        return null;
    }
}
