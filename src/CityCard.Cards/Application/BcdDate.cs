namespace CityCard.Cards.Application;

/// <summary>4-byte BCD dates <c>YYYYMMDD</c> as used in EF 0015.</summary>
internal static class BcdDate
{
    public const int Length = 4;

    public static void Write(DateOnly date, Span<byte> destination)
    {
        destination[0] = Bcd(date.Year / 100);
        destination[1] = Bcd(date.Year % 100);
        destination[2] = Bcd(date.Month);
        destination[3] = Bcd(date.Day);
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out DateOnly date)
    {
        date = default;
        if (source.Length < Length)
        {
            return false;
        }

        Span<int> values = stackalloc int[Length];
        for (var i = 0; i < Length; i++)
        {
            int high = source[i] >> 4, low = source[i] & 0x0F;
            if (high > 9 || low > 9)
            {
                return false;
            }

            values[i] = (high * 10) + low;
        }

        var year = (values[0] * 100) + values[1];
        if (year < 1 || values[2] is < 1 or > 12 || values[3] < 1 || values[3] > DateTime.DaysInMonth(year, values[2]))
        {
            return false;
        }

        date = new DateOnly(year, values[2], values[3]);
        return true;
    }

    private static byte Bcd(int value) => (byte)(((value / 10) << 4) | (value % 10));
}
