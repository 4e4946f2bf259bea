using System.Globalization;
using CityCard.Security.Ep;

namespace CityCard.Cards.Issuance;

/// <summary>
/// CityCard's card-number rule (docs/card.md): the 16 hex digits of a new card's ASN are all decimal digits,
/// city code (4) ‖ serial (11) ‖ check digit (1), and the check digit is the Luhn (ISO/IEC 7812-1) digit over the first 15.
/// The printed card number is the same 16 digits. Allocating serials without duplicates is the issuer's business.
/// </summary>
public static class AsnNumbering
{
    /// <summary>Largest serial (11 decimal digits).</summary>
    public const long MaxSerial = 99_999_999_999;

    /// <summary>Builds the ASN of serial <paramref name="serial"/> in <paramref name="city"/>, with its check digit.</summary>
    public static Asn Create(CityCode city, long serial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serial);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(serial, MaxSerial);
        var cityDigits = city.ToString();
        if (!cityDigits.All(char.IsAsciiDigit))
        {
            throw new ArgumentException($"city: {cityDigits} is not a decimal (BCD) city code", nameof(city));
        }

        var payload = cityDigits + serial.ToString("D11", CultureInfo.InvariantCulture);
        return new Asn(ulong.Parse(payload + CheckDigit(payload).ToString(CultureInfo.InvariantCulture), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    /// <summary>True when all 16 digits are decimal and the last is the Luhn digit of the first 15.</summary>
    public static bool IsValid(Asn asn) => Problem(asn) is null;

    /// <summary>Why <paramref name="asn"/> breaks the rule, or null when it follows it.</summary>
    public static string? Problem(Asn asn)
    {
        var digits = asn.ToString();
        if (!digits.All(char.IsAsciiDigit))
        {
            return $"ASN {digits}: a CityCard number has 16 decimal digits";
        }

        var expected = CheckDigit(digits.AsSpan(0, 15));
        return digits[15] - '0' == expected ? null : $"ASN {digits}: wrong check digit (expected {expected})";
    }

    /// <summary>The Luhn check digit of a string of decimal digits.</summary>
    public static int CheckDigit(ReadOnlySpan<char> payload)
    {
        var sum = 0;
        var doubled = true;
        for (var i = payload.Length - 1; i >= 0; i--)
        {
            var digit = payload[i] - '0';
            if (digit is < 0 or > 9)
            {
                throw new ArgumentException("payload: decimal digits only", nameof(payload));
            }

            if (doubled)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            doubled = !doubled;
        }

        return (10 - (sum % 10)) % 10;
    }
}
