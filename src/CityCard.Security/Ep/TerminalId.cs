using System.Buffers.Binary;

namespace CityCard.Security.Ep;

/// <summary>A 6-byte terminal number (终端机编号) as held by a PSAM and sent in INIT commands.</summary>
public readonly record struct TerminalId
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 6;

    private const ulong Mask = 0xFFFF_FFFF_FFFF;

    /// <summary>Creates a terminal number from its 48-bit value.</summary>
    public TerminalId(ulong value)
    {
        if (value > Mask)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "a terminal number has 6 bytes");
        }

        Value = value;
    }

    /// <summary>The 48-bit value.</summary>
    public ulong Value { get; }

    /// <summary>Parses 12 hex digits; the error names the argument.</summary>
    public static TerminalId Parse(string? text, string argumentName) => Read(Hex.Parse(text, argumentName, Length));

    /// <summary>Reads 6 bytes big-endian.</summary>
    public static TerminalId Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Length)
        {
            throw new ArgumentException($"terminal: expected {Length} bytes, got {bytes.Length}", nameof(bytes));
        }

        return new TerminalId(((ulong)BinaryPrimitives.ReadUInt16BigEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32BigEndian(bytes[2..]));
    }

    /// <summary>Writes 6 bytes big-endian.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(Value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)(Value & 0xFFFF_FFFF));
    }

    /// <inheritdoc />
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        WriteTo(bytes);
        return Hex.Format(bytes);
    }
}
