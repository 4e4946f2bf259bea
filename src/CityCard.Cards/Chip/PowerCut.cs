namespace CityCard.Cards.Chip;

/// <summary>A tearing hook that cuts the power once, at one chosen write step.</summary>
public sealed class PowerCut : ITearingHook
{
    private readonly int step;
    private readonly int? bytesWritten;

    private PowerCut(int step, int? bytesWritten)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (bytesWritten is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bytesWritten), bytesWritten, "cannot be negative");
        }

        this.step = step;
        this.bytesWritten = bytesWritten;
    }

    /// <summary>True once the power has been cut.</summary>
    public bool HasCut { get; private set; }

    /// <summary>Cuts the power right after write step <paramref name="step"/> completes.</summary>
    public static PowerCut AfterStep(int step) => new(step, null);

    /// <summary>Cuts the power in the middle of write step <paramref name="step"/>, after <paramref name="bytesWritten"/> of its bytes.</summary>
    public static PowerCut DuringStep(int step, int bytesWritten) => new(step, bytesWritten);

    /// <inheritdoc />
    public int? CutPower(int writeIndex, int length)
    {
        if (HasCut || writeIndex != step)
        {
            return null;
        }

        HasCut = true;
        return Math.Min(bytesWritten ?? length, length);
    }
}
