using CityCard.Security.Macs;
using CityCard.Security.Primitives;

namespace CityCard.Security.Ep;

/// <summary>
/// A MAC key whose key bytes can be replaced: one object computes MACs under many keys in turn, so verifying records of
/// millions of cards does not create (and keep) a key object per card. Not thread-safe: one per thread. It starts with
/// an all-zero key; <see cref="SetKey"/> before use.
/// </summary>
public sealed class ReusableMacKey : MacKey
{
    private readonly DesCipher? des;
    private readonly Sm4Cipher? sm4;

    /// <summary>Creates the key for one algorithm.</summary>
    public ReusableMacKey(EpAlgorithm algorithm)
        : base(new byte[KeyLengthOf(algorithm)])
    {
        Algorithm = algorithm;
        if (algorithm == EpAlgorithm.Des)
        {
            des = new DesCipher(KeyBytes);
        }
        else
        {
            sm4 = new Sm4Cipher(KeyBytes);
        }
    }

    /// <inheritdoc />
    public override EpAlgorithm Algorithm { get; }

    /// <summary>How many key bytes <see cref="SetKey"/> takes: 8 for DES, 16 for SM4.</summary>
    public int KeyLength => KeyBytes.Length;

    /// <summary>Makes <paramref name="key"/> the key of every MAC computed from now on.</summary>
    public void SetKey(ReadOnlySpan<byte> key)
    {
        KeyGuard.RequireLength(key, KeyBytes.Length, nameof(key));
        key.CopyTo(KeyBytes);
        if (des is not null)
        {
            des.Rekey(key);
        }
        else
        {
            sm4!.Rekey(key);
        }
    }

    /// <inheritdoc />
    public override uint Compute(ReadOnlySpan<byte> data) => des is not null ? IsoMac.MacDes(des, data) : IsoMac.MacSm4(sm4!, data);
}
