using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace CityCard.Security.Primitives;

/// <summary>
/// Single DES with its key schedule computed once. Weak keys are accepted on purpose: session keys are
/// arbitrary 8-byte values and the card standards do not exclude them. Instances are immutable and thread-safe.
/// </summary>
public sealed class DesCipher
{
    /// <summary>DES block size in bytes.</summary>
    public const int BlockSize = 8;

    private readonly DesEngine encryptor = new();
    private readonly DesEngine decryptor = new();

    /// <summary>Creates a cipher for an 8-byte key.</summary>
    public DesCipher(ReadOnlySpan<byte> key)
    {
        KeyGuard.RequireLength(key, 8, nameof(key));
        var copy = key.ToArray();
        encryptor.Init(true, new KeyParameter(copy));
        decryptor.Init(false, new KeyParameter(copy));
        Array.Clear(copy);
    }

    /// <summary>Encrypts one 8-byte block; input and output may overlap.</summary>
    public void Encrypt(ReadOnlySpan<byte> input, Span<byte> output) => encryptor.ProcessBlock(input, output);

    /// <summary>Decrypts one 8-byte block; input and output may overlap.</summary>
    public void Decrypt(ReadOnlySpan<byte> input, Span<byte> output) => decryptor.ProcessBlock(input, output);
}
