using System.Security.Cryptography;
using System.Text;
using CityCard.Security.Keys;
using Org.BouncyCastle.Crypto.Parameters;

namespace CityCard.Terminals.Parameters;

/// <summary>
/// The centre's Ed25519 key that signs parameter files; terminals hold only the public half, so a terminal cannot forge
/// parameters. The demo key is derived from a published seed (SHA-256 of <see cref="DemoSeed"/>) — never for production.
/// </summary>
public sealed class ParameterSigningKey
{
    /// <summary>Published seed of the demo signing key.</summary>
    public const string DemoSeed = "CityCard demo parameter signing key v1 - NOT FOR PRODUCTION";

    private readonly Ed25519PrivateKeyParameters? privateKey;

    private ParameterSigningKey(Ed25519PrivateKeyParameters? privateKey, Ed25519PublicKeyParameters publicKey, string keyId)
    {
        this.privateKey = privateKey;
        PublicKey = publicKey;
        KeyId = keyId;
    }

    /// <summary>A short name of the key, written into signed files.</summary>
    public string KeyId { get; }

    internal Ed25519PublicKeyParameters PublicKey { get; }

    internal Ed25519PrivateKeyParameters PrivateKey =>
        privateKey ?? throw new InvalidOperationException("this is a verification-only key; the centre's private key is needed to sign");

    /// <summary>The public demo key pair.</summary>
    public static ParameterSigningKey Demo()
    {
        var seed = SHA256.HashData(Encoding.UTF8.GetBytes(DemoSeed));
        var key = new Ed25519PrivateKeyParameters(seed);
        return new ParameterSigningKey(key, key.GeneratePublicKey(), "demo");
    }

    /// <summary>The key pair of a 32-byte Ed25519 seed (the centre's private key: keep it in the encrypted key-set file).</summary>
    public static ParameterSigningKey FromSeed(ReadOnlySpan<byte> seed, string keyId)
    {
        if (seed.Length != Ed25519PrivateKeyParameters.KeySize)
        {
            throw new ArgumentException($"seed: expected {Ed25519PrivateKeyParameters.KeySize} bytes, got {seed.Length}", nameof(seed));
        }

        var key = new Ed25519PrivateKeyParameters(seed.ToArray());
        return new ParameterSigningKey(key, key.GeneratePublicKey(), keyId);
    }

    /// <summary>
    /// The signing key that goes with an issuer key set: the demo key for the demo set, else the seed the (production)
    /// set carries; a production set without one is refused rather than signing with the public demo key.
    /// </summary>
    /// <exception cref="InvalidOperationException">A production key set without a parameter-signing seed.</exception>
    public static ParameterSigningKey Of(IssuerKeySet keySet)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        if (keySet.IsDemo)
        {
            return Demo();
        }

        var seed = keySet.ParameterSigningSeed();
        try
        {
            return FromSeed(seed, "centre");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>A verification-only key from 32 public-key bytes.</summary>
    public static ParameterSigningKey FromPublicKey(ReadOnlySpan<byte> publicKey, string keyId)
    {
        if (publicKey.Length != Ed25519PublicKeyParameters.KeySize)
        {
            throw new ArgumentException($"publicKey: expected {Ed25519PublicKeyParameters.KeySize} bytes, got {publicKey.Length}", nameof(publicKey));
        }

        return new ParameterSigningKey(null, new Ed25519PublicKeyParameters(publicKey.ToArray()), keyId);
    }

    /// <summary>The 32 public-key bytes.</summary>
    public byte[] PublicKeyBytes() => PublicKey.GetEncoded();

    /// <inheritdoc />
    public override string ToString() => $"ParameterSigningKey({KeyId})";
}
