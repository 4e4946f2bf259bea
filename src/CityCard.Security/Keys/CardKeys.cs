using CityCard.Security.Ep;

namespace CityCard.Security.Keys;

/// <summary>
/// The keys personalised into one card: each issuer master key diversified in two levels, city then ASN
/// (STANDARDS.md §0). <see cref="ToString"/> never shows key bytes.
/// </summary>
public sealed class CardKeys
{
    /// <summary>Creates a card key set from its five keys (all of one algorithm).</summary>
    public CardKeys(byte keyVersion, EpKey purchase, EpKey load, EpKey tac, EpKey maintenance, EpKey pinUnblock)
    {
        ArgumentNullException.ThrowIfNull(purchase);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(tac);
        ArgumentNullException.ThrowIfNull(maintenance);
        ArgumentNullException.ThrowIfNull(pinUnblock);
        var algorithm = purchase.Algorithm;
        if (load.Algorithm != algorithm || tac.Algorithm != algorithm || maintenance.Algorithm != algorithm || pinUnblock.Algorithm != algorithm)
        {
            throw new ArgumentException("card keys: all keys of a card must use one algorithm");
        }

        KeyVersion = keyVersion;
        Purchase = purchase;
        Load = load;
        Tac = tac;
        Maintenance = maintenance;
        PinUnblock = pinUnblock;
        TacKey = tac.TacKey();
    }

    /// <summary>The algorithm of all keys.</summary>
    public EpAlgorithm Algorithm => Purchase.Algorithm;

    /// <summary>The master key version the card was personalised with.</summary>
    public byte KeyVersion { get; }

    /// <summary>DPK.</summary>
    public EpKey Purchase { get; }

    /// <summary>DLK.</summary>
    public EpKey Load { get; }

    /// <summary>DTK.</summary>
    public EpKey Tac { get; }

    /// <summary>DAMK.</summary>
    public EpKey Maintenance { get; }

    /// <summary>PIN unblock key.</summary>
    public EpKey PinUnblock { get; }

    /// <summary>The prepared TAC key (Fold(DTK) for DES, DTK for SM4).</summary>
    public MacKey TacKey { get; }

    /// <summary>The key of a role.</summary>
    public EpKey this[KeyRole role] => role switch
    {
        KeyRole.Purchase => Purchase,
        KeyRole.Load => Load,
        KeyRole.Tac => Tac,
        KeyRole.Maintenance => Maintenance,
        KeyRole.PinUnblock => PinUnblock,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown key role"),
    };

    /// <inheritdoc />
    public override string ToString() => $"CardKeys({Algorithm.Name()}, version {KeyVersion})";
}
