using System.Buffers.Binary;
using System.Globalization;

namespace CityCard.Security.Ep;

/// <summary>
/// A 2-byte city code (城市代码, EF 0015 offset 2), written as 4 hex digits (BCD in practice, e.g. 2144).
/// It forms the city-level diversification factor <c>CityCode2 ‖ FF 00 00 00 00 00</c> (STANDARDS.md §2.2).
/// </summary>
public readonly record struct CityCode(ushort Value)
{
    /// <summary>Parses 4 hex digits; the error names the argument.</summary>
    public static CityCode Parse(string? text, string argumentName) =>
        new(BinaryPrimitives.ReadUInt16BigEndian(Hex.Parse(text, argumentName, 2)));

    /// <summary>The 8-byte city-level diversification factor.</summary>
    public byte[] DiversificationFactor()
    {
        var factor = new byte[8];
        WriteDiversificationFactor(factor);
        return factor;
    }

    /// <summary>Writes the 8-byte city-level diversification factor.</summary>
    public void WriteDiversificationFactor(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, Value);
        destination[2] = 0xFF;
        destination[3..8].Clear();
    }

    /// <inheritdoc />
    public override string ToString() => Value.ToString("X4", CultureInfo.InvariantCulture);
}
