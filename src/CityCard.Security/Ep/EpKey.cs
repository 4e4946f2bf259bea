using System.Buffers.Binary;
using CityCard.Security.Primitives;

namespace CityCard.Security.Ep;

/// <summary>
/// A 16-byte ED/EP key (an issuer master key or a card key derived from one) in one algorithm, with its key schedule
/// cached. It diversifies (STANDARDS.md §2.2, §0), derives session keys (§2.3, §0) and gives the TAC key (§2.5, §0).
/// Immutable and thread-safe; <see cref="ToString"/> never shows key bytes.
/// </summary>
public abstract class EpKey
{
    /// <summary>Length of every ED/EP key in bytes.</summary>
    public const int Length = 16;

    private protected EpKey(byte[] keyBytes) => KeyBytes = keyBytes;

    /// <summary>The algorithm of this key.</summary>
    public abstract EpAlgorithm Algorithm { get; }

    private protected byte[] KeyBytes { get; }

    /// <summary>Creates a key from 16 raw bytes.</summary>
    public static EpKey Create(EpAlgorithm algorithm, ReadOnlySpan<byte> key)
    {
        KeyGuard.RequireLength(key, Length, nameof(key));
        return algorithm switch
        {
            EpAlgorithm.Des => new DesEpKey(key),
            EpAlgorithm.Sm4 => new Sm4EpKey(key),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown algorithm"),
        };
    }

    /// <summary>One level of diversification by an 8-byte factor: DES <c>TDES(K,F) ‖ TDES(K,~F)</c>; SM4 <c>SM4(K, F ‖ ~F)</c>.</summary>
    public EpKey Diversify(ReadOnlySpan<byte> factor)
    {
        Span<byte> derived = stackalloc byte[Length];
        DiversifyInto(factor, derived, nameof(factor));
        return Create(Algorithm, derived);
    }

    /// <summary>
    /// The bytes of <c>Diversify(cardFactor).TacKey()</c> written into <paramref name="tacKey"/> (room for 16 bytes)
    /// without creating key objects: DES 8 bytes (the folded card key), SM4 16. Returns how many were written. For
    /// clearing, which derives a card's TAC key for every card it meets.
    /// </summary>
    public int DeriveTacKey(ReadOnlySpan<byte> cardFactor, Span<byte> tacKey)
    {
        if (tacKey.Length < Length)
        {
            throw new ArgumentException($"{nameof(tacKey)}: needs room for {Length} bytes, has {tacKey.Length}", nameof(tacKey));
        }

        Span<byte> derived = stackalloc byte[Length];
        DiversifyInto(cardFactor, derived, nameof(cardFactor));
        var length = TacKeyOf(Algorithm, derived, tacKey);
        derived.Clear();
        return length;
    }

    // The 16 bytes of the key diversified by an 8-byte factor (STANDARDS.md §2.2, §0).
    private void DiversifyInto(ReadOnlySpan<byte> factor, Span<byte> derived, string argumentName)
    {
        KeyGuard.RequireLength(factor, 8, argumentName);
        Span<byte> block = stackalloc byte[16];
        factor.CopyTo(block);
        BinaryPrimitives.WriteUInt64BigEndian(block[8..], ~BinaryPrimitives.ReadUInt64BigEndian(factor));
        EncryptFactorPair(block, derived);
    }

    // The TAC key of a card key (DTK): DES Fold(DTK) = left half XOR right half, 8 bytes; SM4 the DTK itself, 16 bytes.
    private static int TacKeyOf(EpAlgorithm algorithm, ReadOnlySpan<byte> dtk, Span<byte> tacKey)
    {
        if (algorithm == EpAlgorithm.Sm4)
        {
            dtk[..Length].CopyTo(tacKey);
            return Length;
        }

        BinaryPrimitives.WriteUInt64BigEndian(tacKey, BinaryPrimitives.ReadUInt64BigEndian(dtk) ^ BinaryPrimitives.ReadUInt64BigEndian(dtk[8..]));
        return 8;
    }

    /// <summary>Two levels: the high-level factor first, then the card factor (STANDARDS.md §0).</summary>
    public EpKey Diversify(ReadOnlySpan<byte> highFactor, ReadOnlySpan<byte> cardFactor) =>
        Diversify(highFactor).Diversify(cardFactor);

    /// <summary>
    /// Session key from the 8-byte input <c>RND4 ‖ CTR2 ‖ X2</c> (X2 = TTSN[2..3] for purchase, <c>80 00</c> for load).
    /// DES: an 8-byte single-DES key <c>TDES(K, input)</c>; SM4: a 16-byte key <c>SM4(K, input ‖ 00×8)</c>.
    /// </summary>
    public abstract MacKey SessionKey(ReadOnlySpan<byte> input);

    /// <summary>The key that computes TACs when this key is a card's DTK: DES <c>Fold(DTK)</c>, SM4 the DTK itself.</summary>
    public abstract MacKey TacKey();

    /// <summary>The raw key bytes, for key-set files and card images only. Never log them.</summary>
    public byte[] ExportBytes() => (byte[])KeyBytes.Clone();

    /// <inheritdoc />
    public override string ToString() => $"EpKey({Algorithm.Name()})";

    private protected abstract void EncryptFactorPair(ReadOnlySpan<byte> factorPair, Span<byte> output);

    private static void RequireSessionInput(ReadOnlySpan<byte> input) => KeyGuard.RequireLength(input, 8, nameof(input));

    private sealed class DesEpKey : EpKey
    {
        private TripleDesCipher? cipher;

        public DesEpKey(ReadOnlySpan<byte> key)
            : base(key.ToArray())
        {
        }

        // A derived key is often only folded into a TAC key and never used to encrypt: build its schedule on first use.
        private TripleDesCipher Cipher => cipher ??= new TripleDesCipher(KeyBytes);

        public override EpAlgorithm Algorithm => EpAlgorithm.Des;

        public override MacKey SessionKey(ReadOnlySpan<byte> input)
        {
            RequireSessionInput(input);
            Span<byte> key = stackalloc byte[8];
            Cipher.Encrypt(input, key);
            return MacKey.Create(EpAlgorithm.Des, key);
        }

        public override MacKey TacKey()
        {
            Span<byte> folded = stackalloc byte[8];
            TacKeyOf(EpAlgorithm.Des, KeyBytes, folded);
            return MacKey.Create(EpAlgorithm.Des, folded);
        }

        private protected override void EncryptFactorPair(ReadOnlySpan<byte> factorPair, Span<byte> output)
        {
            var prepared = Cipher;
            prepared.Encrypt(factorPair[..8], output[..8]);
            prepared.Encrypt(factorPair[8..], output[8..]);
        }
    }

    private sealed class Sm4EpKey : EpKey
    {
        private Sm4Cipher? cipher;

        public Sm4EpKey(ReadOnlySpan<byte> key)
            : base(key.ToArray())
        {
        }

        private Sm4Cipher Cipher => cipher ??= new Sm4Cipher(KeyBytes);

        public override EpAlgorithm Algorithm => EpAlgorithm.Sm4;

        public override MacKey SessionKey(ReadOnlySpan<byte> input)
        {
            RequireSessionInput(input);
            Span<byte> block = stackalloc byte[16];
            block.Clear();
            input.CopyTo(block);
            Cipher.Encrypt(block, block);
            return MacKey.Create(EpAlgorithm.Sm4, block);
        }

        public override MacKey TacKey() => MacKey.Create(EpAlgorithm.Sm4, KeyBytes);

        private protected override void EncryptFactorPair(ReadOnlySpan<byte> factorPair, Span<byte> output) =>
            Cipher.Encrypt(factorPair, output);
    }
}
