namespace CityCard.Terminals.Journal;

/// <summary>CRC-32C (Castagnoli polynomial 0x1EDC6F41, reflected 0x82F63B78), table-driven.</summary>
internal static class Castagnoli
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFF_FFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var value = i;
            for (var bit = 0; bit < 8; bit++)
            {
                value = (value & 1) != 0 ? (value >> 1) ^ 0x82F6_3B78u : value >> 1;
            }

            table[i] = value;
        }

        return table;
    }
}
