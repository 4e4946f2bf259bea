using System.Security.Cryptography;
using System.Text;

namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// The payment gateway's signature on a payment notification: hex HMAC-SHA256 over the request body under a secret the
/// gateway and the centre share. <see cref="DemoSecret"/> is public and for demonstrations and tests only.
/// </summary>
public static class GatewaySignature
{
    /// <summary>The header that carries the signature.</summary>
    public const string Header = "X-CityCard-Gateway-Signature";

    /// <summary>DEMO ONLY — the published demo gateway secret; a deployment configures its own.</summary>
    public static readonly byte[] DemoSecret = Encoding.UTF8.GetBytes("CityCard DEMO payment gateway secret - NOT FOR PRODUCTION");

    /// <summary>The signature of <paramref name="body"/> (64 lower-case hex digits).</summary>
    public static string Compute(byte[] secret, ReadOnlySpan<byte> body) => Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));

    /// <summary>True when <paramref name="signature"/> is the body's signature (compared in constant time).</summary>
    public static bool Verify(byte[] secret, ReadOnlySpan<byte> body, string? signature)
    {
        if (signature is null || signature.Length != 64)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));
    }
}
