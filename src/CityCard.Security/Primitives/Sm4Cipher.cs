using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace CityCard.Security.Primitives;

/// <summary>SM4 (GB/T 32907) block cipher over a 16-byte key with its round keys computed once. Immutable and thread-safe.</summary>
public sealed class Sm4Cipher
{
    /// <summary>SM4 block size in bytes.</summary>
    public const int BlockSize = 16;

    private readonly SM4Engine encryptor = new();

    /// <summary>Creates a cipher for a 16-byte key.</summary>
    public Sm4Cipher(ReadOnlySpan<byte> key)
    {
        KeyGuard.RequireLength(key, 16, nameof(key));
        var copy = key.ToArray();
        encryptor.Init(true, new KeyParameter(copy));
        Array.Clear(copy);
    }

    // Replaces the key in place (for ReusableMacKey, one per thread; a cipher is otherwise immutable).
    internal void Rekey(ReadOnlySpan<byte> key)
    {
        KeyGuard.RequireLength(key, 16, nameof(key));
        var copy = key.ToArray();
        encryptor.Init(true, new KeyParameter(copy));
        Array.Clear(copy);
    }

    /// <summary>Encrypts one 16-byte block.</summary>
    public void Encrypt(ReadOnlySpan<byte> input, Span<byte> output) => encryptor.ProcessBlock(input, output);
}
