using CityCard.Security.Ep;
using CityCard.Security.Macs;

namespace CityCard.Cards.Cos;

/// <summary>
/// The line-protection MAC of APPLICATION BLOCK and UNBLOCK (STANDARDS.md §2.8), computed with the card's maintenance
/// key (DAMK) over the command header <c>CLA INS P1 P2 Lc</c> (Lc counts the 4 MAC bytes).
/// The 8-byte initial value is the challenge of the preceding GET CHALLENGE: 4 challenge bytes ‖ <c>00000000</c>, or the
/// 8 challenge bytes. DES cards: MAC_RETAIL(DAMK, IV, header). SM4 cards (CityCard choice, docs/card.md):
/// MAC_SM4(DAMK, IV ‖ header), i.e. the IV is prefixed to the data since SM4 blocks are 16 bytes.
/// </summary>
public static class LineMac
{
    /// <summary>The 4-byte line MAC.</summary>
    public static uint Compute(EpKey maintenanceKey, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> header)
    {
        ArgumentNullException.ThrowIfNull(maintenanceKey);
        if (challenge.Length is not (4 or 8))
        {
            throw new ArgumentException($"challenge: expected 4 or 8 bytes, got {challenge.Length}", nameof(challenge));
        }

        Span<byte> initialValue = stackalloc byte[8];
        initialValue.Clear();
        challenge.CopyTo(initialValue);
        var key = maintenanceKey.ExportBytes();
        switch (maintenanceKey.Algorithm)
        {
            case EpAlgorithm.Des:
                return IsoMac.MacRetail(key, initialValue, header);
            case EpAlgorithm.Sm4:
                var data = new byte[8 + header.Length];
                initialValue.CopyTo(data);
                header.CopyTo(data.AsSpan(8));
                return MacKey.Create(EpAlgorithm.Sm4, key).Compute(data);
            default:
                throw new ArgumentOutOfRangeException(nameof(maintenanceKey), maintenanceKey.Algorithm, "unknown algorithm");
        }
    }
}
