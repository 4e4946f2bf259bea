using System.Buffers.Binary;
using System.Globalization;

namespace CityCard.Security.Ep;

/// <summary>
/// The 8-byte application serial number (应用序列号, EF 0015 offset 12): the card number and the card-level
/// diversification factor. Written as 16 hex digits.
/// </summary>
public readonly record struct Asn(ulong Value)
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 8;

    /// <summary>Parses 16 hex digits; the error names the argument.</summary>
    public static Asn Parse(string? text, string argumentName) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(Hex.Parse(text, argumentName, Length)));

    /// <summary>Reads 8 bytes big-endian.</summary>
    public static Asn Read(ReadOnlySpan<byte> bytes) => new(BinaryPrimitives.ReadUInt64BigEndian(bytes));

    /// <summary>Writes 8 bytes big-endian.</summary>
    public void WriteTo(Span<byte> destination) => BinaryPrimitives.WriteUInt64BigEndian(destination, Value);

    /// <summary>The 8 bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        WriteTo(bytes);
        return bytes;
    }

    /// <inheritdoc />
    public override string ToString() => Value.ToString("X16", CultureInfo.InvariantCulture);
}
