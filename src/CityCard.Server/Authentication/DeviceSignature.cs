using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CityCard.Server.Authentication;

/// <summary>
/// A device signs a request with its upload key: headers <c>X-CityCard-Device</c> (device id),
/// <c>X-CityCard-Time</c> (Unix seconds) and <c>X-CityCard-Signature</c> = hex HMAC-SHA256(upload key,
/// <c>METHOD \n path-and-query \n time \n hex SHA-256(body)</c>). The batch upload needs no signature: the file MAC
/// under the same key authenticates it.
/// </summary>
public static class DeviceSignature
{
    /// <summary>Device id header.</summary>
    public const string DeviceHeader = "X-CityCard-Device";

    /// <summary>Time header.</summary>
    public const string TimeHeader = "X-CityCard-Time";

    /// <summary>Signature header.</summary>
    public const string SignatureHeader = "X-CityCard-Signature";

    /// <summary>The signature of a request.</summary>
    public static string Compute(ReadOnlySpan<byte> uploadKey, string method, string pathAndQuery, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var canonical = string.Create(CultureInfo.InvariantCulture, $"{method.ToUpperInvariant()}\n{pathAndQuery}\n{unixSeconds}\n{Convert.ToHexString(SHA256.HashData(body))}");
        return Convert.ToHexString(HMACSHA256.HashData(uploadKey, Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Checks a signature in constant time.</summary>
    public static bool Verify(ReadOnlySpan<byte> uploadKey, string method, string pathAndQuery, long unixSeconds, ReadOnlySpan<byte> body, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Compute(uploadKey, method, pathAndQuery, unixSeconds, body));
        var given = Encoding.ASCII.GetBytes(signature.ToUpperInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
