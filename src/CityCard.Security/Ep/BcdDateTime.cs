using System.Globalization;

namespace CityCard.Security.Ep;

/// <summary>
/// The 7-byte BCD date-time <c>YYYYMMDDhhmmss</c> that cards, PSAMs and records carry (China Standard Time on the card).
/// Always a valid calendar date and time.
/// </summary>
public readonly record struct BcdDateTime
{
    /// <summary>Length in bytes.</summary>
    public const int Length = 7;

    // The 7 BCD bytes, computed once: records are written and MACed far more often than they are created.
    private readonly ulong packed;

    /// <summary>Creates a value from a calendar date-time (seconds precision; the kind is ignored).</summary>
    public BcdDateTime(DateTime value)
    {
        Value = new DateTime(value.Year, value.Month, value.Day, value.Hour, value.Minute, value.Second, DateTimeKind.Unspecified);
        packed = ((ulong)Bcd(value.Year / 100) << 48) | ((ulong)Bcd(value.Year % 100) << 40) | ((ulong)Bcd(value.Month) << 32)
            | ((ulong)Bcd(value.Day) << 24) | ((ulong)Bcd(value.Hour) << 16) | ((ulong)Bcd(value.Minute) << 8) | Bcd(value.Second);
    }

    /// <summary>The date-time (kind unspecified: it is local time of the card's city).</summary>
    public DateTime Value { get; }

    /// <summary>Parses <c>YYYYMMDDhhmmss</c>; the error names the argument.</summary>
    public static BcdDateTime Parse(string? text, string argumentName)
    {
        if (text is null || text.Length != 14 || !text.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"{argumentName}: '{text}' is not YYYYMMDDhhmmss (14 digits)", argumentName);
        }

        if (!DateTime.TryParseExact(text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            throw new ArgumentException($"{argumentName}: '{text}' is not a valid date and time", argumentName);
        }

        return new BcdDateTime(value);
    }

    /// <summary>Reads 7 BCD bytes; returns false if a nibble is not a decimal digit or the date is not valid.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out BcdDateTime value)
    {
        value = default;
        if (bytes.Length < Length)
        {
            return false;
        }

        Span<char> digits = stackalloc char[14];
        for (var i = 0; i < Length; i++)
        {
            int high = bytes[i] >> 4, low = bytes[i] & 0xF;
            if (high > 9 || low > 9)
            {
                return false;
            }

            digits[2 * i] = (char)('0' + high);
            digits[(2 * i) + 1] = (char)('0' + low);
        }

        if (!DateTime.TryParseExact(digits, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        value = new BcdDateTime(parsed);
        return true;
    }

    /// <summary>Writes 7 BCD bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(destination, unchecked((uint)(packed >> 24)));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(destination[4..], unchecked((ushort)(packed >> 8)));
        destination[6] = unchecked((byte)packed);
    }

    /// <inheritdoc />
    public override string ToString() => Value.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    private static byte Bcd(int value) => (byte)(((value / 10) << 4) | (value % 10));
}
