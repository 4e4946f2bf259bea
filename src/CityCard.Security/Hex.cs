using System.Globalization;

namespace CityCard.Security;

/// <summary>
/// Hexadecimal parsing and formatting. Parsing reports the argument name in every error so that a
/// command-line user or an API caller learns which input was wrong; output is always upper case without spaces.
/// </summary>
public static class Hex
{
    /// <summary>Parses hex (spaces allowed) into bytes; throws <see cref="ArgumentException"/> naming <paramref name="argumentName"/>.</summary>
    public static byte[] Parse(string? text, string argumentName)
    {
        if (text is null)
        {
            throw new ArgumentException($"{argumentName}: no value given (expected hex digits)", argumentName);
        }

        Span<char> digits = text.Length <= 512 ? stackalloc char[text.Length] : new char[text.Length];
        var count = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '\t')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c))
            {
                throw new ArgumentException($"{argumentName}: '{c}' is not a hex digit", argumentName);
            }

            digits[count++] = c;
        }

        if (count % 2 != 0)
        {
            throw new ArgumentException($"{argumentName}: odd number of hex digits ({count})", argumentName);
        }

        return Convert.FromHexString(digits[..count]);
    }

    /// <summary>Parses hex that must decode to exactly <paramref name="length"/> bytes.</summary>
    public static byte[] Parse(string? text, string argumentName, int length)
    {
        var bytes = Parse(text, argumentName);
        if (bytes.Length != length)
        {
            throw new ArgumentException(
                $"{argumentName}: expected {length} bytes ({length * 2} hex digits), got {bytes.Length} bytes",
                argumentName);
        }

        return bytes;
    }

    /// <summary>Upper-case hex without separators.</summary>
    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    /// <summary>Formats a 32-bit value as 8 upper-case hex digits.</summary>
    public static string Format(uint value) => value.ToString("X8", CultureInfo.InvariantCulture);
}
