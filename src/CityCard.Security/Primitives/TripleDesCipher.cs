using Org.BouncyCastle.Crypto.Engines;

namespace CityCard.Security.Primitives;

/// <summary>
/// Two-key triple DES (EDE: encrypt K1, decrypt K2, encrypt K1) over a 16-byte key, with the key schedule
/// computed once. Keys with equal halves are accepted (then it equals single DES), as the card world needs
/// for transport and test keys. Immutable and thread-safe.
/// </summary>
public sealed class TripleDesCipher
{
    private readonly DesEdeEngine encryptor;

    /// <summary>Creates a cipher for a 16-byte key K1 ‖ K2.</summary>
    public TripleDesCipher(ReadOnlySpan<byte> key)
    {
        KeyGuard.RequireLength(key, 16, nameof(key));
        encryptor = DesKeySchedule.CreateEde(key);
    }

    /// <summary>Encrypts one 8-byte block.</summary>
    public void Encrypt(ReadOnlySpan<byte> input, Span<byte> output) => encryptor.ProcessBlock(input, output);
}
