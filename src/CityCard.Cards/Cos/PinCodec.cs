namespace CityCard.Cards.Cos;

/// <summary>PIN digits to the BCD bytes VERIFY carries (<c>123456</c> → <c>12 34 56</c>; an odd count ends in F).</summary>
internal static class PinCodec
{
    public static byte[]? Encode(string? digits)
    {
        if (digits is null || digits.Length is < 4 or > 12 || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }

        var bytes = new byte[(digits.Length + 1) / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            var high = digits[2 * i] - '0';
            var low = (2 * i) + 1 < digits.Length ? digits[(2 * i) + 1] - '0' : 0x0F;
            bytes[i] = (byte)((high << 4) | low);
        }

        return bytes;
    }

    public static string Decode(ReadOnlySpan<byte> bcd)
    {
        var digits = new char[bcd.Length * 2];
        var count = 0;
        foreach (var b in bcd)
        {
            digits[count++] = (char)('0' + (b >> 4));
            if ((b & 0x0F) != 0x0F)
            {
                digits[count++] = (char)('0' + (b & 0x0F));
            }
        }

        return new string(digits, 0, count);
    }
}
