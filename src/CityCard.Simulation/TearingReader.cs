using CityCard.Cards.Apdu;

namespace CityCard.Simulation;

/// <summary>A reader in which the card leaves the field right after it executed its next DEBIT or CREDIT (a torn transaction).</summary>
internal sealed class TearingReader(IApduChannel card) : IApduChannel
{
    private bool armed = true;

    public bool Tore { get; private set; }

    public byte[] Transmit(ReadOnlySpan<byte> command)
    {
        var response = card.Transmit(command);
        if (armed && command.Length >= 2 && command[0] == 0x80 && command[1] is 0x54 or 0x52)
        {
            armed = false;
            Tore = true;
            throw new CardLostException("simulated: the card left the field before its answer arrived");
        }

        return response;
    }
}
