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

        // Decoded digit by digit: batch files carry one date-time per record, so this runs millions of times a day.
        Span<int> two = stackalloc int[Length];
        for (var i = 0; i < Length; i++)
        {
            int high = bytes[i] >> 4, low = bytes[i] & 0xF;
            if (high > 9 || low > 9)
            {
                return false;
            }

            two[i] = (high * 10) + low;
        }

        var year = (two[0] * 100) + two[1];
        if (year < 1 || two[2] is < 1 or > 12 || two[3] < 1 || two[3] > DateTime.DaysInMonth(year, two[2]) || two[4] > 23 || two[5] > 59 || two[6] > 59)
        {
            return false;
        }

        value = new BcdDateTime(new DateTime(year, two[2], two[3], two[4], two[5], two[6], DateTimeKind.Unspecified));
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
