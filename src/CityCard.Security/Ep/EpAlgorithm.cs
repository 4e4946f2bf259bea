namespace CityCard.Security.Ep;

/// <summary>
/// The algorithm of an ED/EP key set, with the algorithm-identifier byte the card returns in INIT responses
/// (STANDARDS.md §0: <c>00</c> = DES/3DES, <c>04</c> = SM4).
/// </summary>
public enum EpAlgorithm : byte
{
    /// <summary>Two-key 3DES keys, single-DES session keys, MAC_DES.</summary>
    Des = 0x00,

    /// <summary>CityCard SM4 profile: SM4 keys and session keys, MAC_SM4.</summary>
    Sm4 = 0x04,
}
