using CityCard.Security.Macs;
using CityCard.Security.Primitives;

namespace CityCard.Security.Ep;

/// <summary>
/// A prepared MAC key (a session key, or the TAC key of a card) with its key schedule cached, so that a card's
/// records can be verified without recomputing it. DES keys are 8 bytes and use MAC_DES; SM4 keys are 16 bytes and use MAC_SM4.
/// </summary>
public abstract class MacKey
{
    private protected MacKey(byte[] keyBytes) => KeyBytes = keyBytes;

    /// <summary>The algorithm whose MAC this key computes.</summary>
    public abstract EpAlgorithm Algorithm { get; }

    private protected byte[] KeyBytes { get; }

    /// <summary>Creates a MAC key of the algorithm from raw bytes (8 for DES, 16 for SM4).</summary>
    public static MacKey Create(EpAlgorithm algorithm, ReadOnlySpan<byte> key) => algorithm switch
    {
        EpAlgorithm.Des => new DesMacKey(key),
        EpAlgorithm.Sm4 => new Sm4MacKey(key),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown algorithm"),
    };

    /// <summary>The 4-byte MAC of <paramref name="data"/>, big-endian in a <see cref="uint"/>.</summary>
    public abstract uint Compute(ReadOnlySpan<byte> data);

    /// <summary>
    /// The raw key bytes, for the places that must show or store a key (the crypto command's session-key output,
    /// a card image). Never log them.
    /// </summary>
    public byte[] ExportBytes() => (byte[])KeyBytes.Clone();

    /// <inheritdoc />
    public override string ToString() => $"MacKey({Algorithm.Name()})";

    /// <summary>The key length of the algorithm's MAC keys: 8 for DES, 16 for SM4.</summary>
    public static int KeyLengthOf(EpAlgorithm algorithm) => algorithm switch
    {
        EpAlgorithm.Des => 8,
        EpAlgorithm.Sm4 => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown algorithm"),
    };

    private sealed class DesMacKey : MacKey
    {
        private readonly DesCipher cipher;

        public DesMacKey(ReadOnlySpan<byte> key)
            : base(key.ToArray()) => cipher = new DesCipher(key);

        public override EpAlgorithm Algorithm => EpAlgorithm.Des;

        public override uint Compute(ReadOnlySpan<byte> data) => IsoMac.MacDes(cipher, data);
    }

    private sealed class Sm4MacKey : MacKey
    {
        private readonly Sm4Cipher cipher;

        public Sm4MacKey(ReadOnlySpan<byte> key)
            : base(key.ToArray()) => cipher = new Sm4Cipher(key);

        public override EpAlgorithm Algorithm => EpAlgorithm.Sm4;

        public override uint Compute(ReadOnlySpan<byte> data) => IsoMac.MacSm4(cipher, data);
    }
}
