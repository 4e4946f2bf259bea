namespace CityCard.Cards.Apdu;

/// <summary>
/// A contact or contactless link to one smart card or PSAM: a command APDU goes in, the response data followed by
/// SW1 SW2 comes out (ISO/IEC 7816-4 short APDUs). Terminals, the clearing centre's tools and the simulator talk to
/// cards and PSAMs only through this interface, exactly as they would through a PC/SC reader.
/// </summary>
/// <remarks>
/// A channel answers every well-formed or malformed command with a status word; it throws only when the card itself
/// is gone (<see cref="CardLostException"/>: removed from the field, power lost).
/// </remarks>
public interface IApduChannel
{
    /// <summary>Sends one command APDU and returns the response: data ‖ SW1 ‖ SW2 (at least 2 bytes).</summary>
    byte[] Transmit(ReadOnlySpan<byte> command);
}
