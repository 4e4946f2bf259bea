using CityCard.Security.Ep;

namespace CityCard.Cards.Psam;

/// <summary>
/// One purchase master key (MPK) held by a PSAM, addressed by the key version and algorithm that the card reports in its
/// INIT FOR PURCHASE response. <see cref="ToString"/> never shows key bytes.
/// </summary>
public sealed record PsamMasterKey(byte KeyVersion, EpKey Key)
{
    /// <summary>The key's algorithm.</summary>
    public EpAlgorithm Algorithm => Key.Algorithm;

    /// <inheritdoc />
    public override string ToString() => $"PsamMasterKey(version {KeyVersion}, {Algorithm.Name()})";
}
