using Org.BouncyCastle.Crypto.Engines;

namespace CityCard.Security.Primitives;

/// <summary>
/// Single DES with its key schedule computed once. Weak keys are accepted on purpose: session keys are
/// arbitrary 8-byte values and the card standards do not exclude them. Instances are immutable and thread-safe.
/// </summary>
public sealed class DesCipher
{
    /// <summary>DES block size in bytes.</summary>
    public const int BlockSize = 8;

    private readonly DesEngine encryptor;
    private readonly byte[] key;
    private DesEngine? decryptor;

    // Replaces the key in place (for ReusableMacKey, one per thread; a cipher is otherwise immutable).
    internal void Rekey(ReadOnlySpan<byte> newKey)
    {
        KeyGuard.RequireLength(newKey, 8, nameof(newKey));
        newKey.CopyTo(key);
        DesKeySchedule.Rekey(encryptor, newKey, encrypting: true);
        decryptor = null;
    }

    /// <summary>Creates a cipher for an 8-byte key.</summary>
    public DesCipher(ReadOnlySpan<byte> key)
    {
        KeyGuard.RequireLength(key, 8, nameof(key));
        this.key = key.ToArray();
        encryptor = DesKeySchedule.Create(key, encrypting: true);
    }

    /// <summary>Encrypts one 8-byte block; input and output may overlap.</summary>
    public void Encrypt(ReadOnlySpan<byte> input, Span<byte> output) => encryptor.ProcessBlock(input, output);

    /// <summary>Decrypts one 8-byte block; input and output may overlap.</summary>
    public void Decrypt(ReadOnlySpan<byte> input, Span<byte> output) => Decryptor().ProcessBlock(input, output);

    // Most keys only ever encrypt (MACs, session keys), so the decryption schedule is built on first use.
    // Two threads racing here build equal engines; either result is correct.
    private DesEngine Decryptor()
    {
        if (decryptor is { } ready)
        {
            return ready;
        }

        var engine = DesKeySchedule.Create(key, encrypting: false);
        decryptor = engine;
        return engine;
    }
}
