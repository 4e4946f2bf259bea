using System.Globalization;

namespace CityCard.Cli;

/// <summary>Parsers for argument values that name the option in every error.</summary>
internal static class Arguments
{
    /// <summary>A decimal integer in [min, max].</summary>
    public static long Integer(string? text, string option, long min, long max)
    {
        // A sign is read (so -3 is named out of range, not "not a whole number"); digits too many for a long are out of range.
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            var digits = text?.TrimStart('-', '+') is { Length: > 0 } rest && rest.All(char.IsAsciiDigit) && text.Length - rest.Length <= 1;
            throw new UsageException(digits ? $"{option}: {text} is out of range ({min}..{max})" : $"{option}: '{text}' is not a whole number ({min}..{max})");
        }

        if (value < min || value > max)
        {
            throw new UsageException($"{option}: {value} is out of range ({min}..{max})");
        }

        return value;
    }

    /// <summary>An amount in fen that fits the card's 4-byte amount field.</summary>
    public static uint AmountFen(string? text, string option) => (uint)Integer(text, option, 0, uint.MaxValue);

    /// <summary>Parses a date <c>YYYY-MM-DD</c>; a usage error naming the option otherwise.</summary>
    public static DateOnly Date(string text, string option) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day)
            ? day
            : throw new UsageException($"{option}: '{text}' is not a date YYYY-MM-DD");

    /// <summary>A 16-bit card counter.</summary>
    public static ushort Counter(string? text, string option) => (ushort)Integer(text, option, 0, ushort.MaxValue);

    /// <summary>A one-byte value written as 2 hex digits.</summary>
    public static byte HexByte(string? text, string option) => Security.Hex.Parse(text, option, 1)[0];

    /// <summary>A 4-byte value written as 8 hex digits.</summary>
    public static uint HexUInt32(string? text, string option) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(Security.Hex.Parse(text, option, 4));
}
