namespace CityCard.Cards.Chip;

/// <summary>
/// Fault injection for the card's persistent memory: consulted before every write step, it can "cut the power" during
/// or right after that write. The card then throws <see cref="PowerLossException"/> out of the command and is unpowered
/// until <c>SoftCard.PowerOn</c>. Used by tearing tests and the simulator; a production card has no hook.
/// </summary>
public interface ITearingHook
{
    /// <summary>
    /// Decides the fate of write step <paramref name="writeIndex"/> (0 for the first write after the hook was attached) of
    /// <paramref name="length"/> bytes.
    /// </summary>
    /// <returns>
    /// Null to let the write complete with the power on; otherwise how many leading bytes (0..length) reach memory before
    /// the power is cut. Returning <paramref name="length"/> cuts the power right after the write step completes.
    /// </returns>
    int? CutPower(int writeIndex, int length);
}
