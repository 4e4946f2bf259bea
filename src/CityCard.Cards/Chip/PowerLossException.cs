using CityCard.Cards.Apdu;

namespace CityCard.Cards.Chip;

/// <summary>
/// Thrown out of a card command when an <see cref="ITearingHook"/> cuts the power. The card is unpowered afterwards;
/// its persistent memory holds whatever was written up to the cut.
/// </summary>
public sealed class PowerLossException : CardLostException
{
    /// <summary>Creates the exception for a cut at <paramref name="step"/> after <paramref name="bytesWritten"/> of <paramref name="length"/> bytes.</summary>
    public PowerLossException(int step, int bytesWritten, int length)
        : base($"power lost at write step {step} after {bytesWritten} of {length} bytes")
    {
        Step = step;
        BytesWritten = bytesWritten;
        Length = length;
    }

    /// <summary>Creates the exception with a message.</summary>
    public PowerLossException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public PowerLossException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PowerLossException()
        : base("power lost")
    {
    }

    /// <summary>The write step during or after which the power was cut.</summary>
    public int Step { get; }

    /// <summary>How many bytes of that write reached memory.</summary>
    public int BytesWritten { get; }

    /// <summary>The length of that write.</summary>
    public int Length { get; }
}
