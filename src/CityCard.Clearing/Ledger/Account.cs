namespace CityCard.Clearing.Ledger;

/// <summary>
/// An account: a kind from the chart and a sub-account (the card's ASN as a signed 64-bit number for card float, the
/// merchant id for payables and outlet cash, 0 otherwise).
/// </summary>
public readonly record struct Account(AccountKind Kind, long Sub)
{
    /// <summary>A card's float account.</summary>
    public static Account CardFloat(Security.Ep.Asn asn) => new(AccountKind.CardFloat, unchecked((long)asn.Value));

    /// <summary>A card's pending credits account.</summary>
    public static Account PendingCredit(Security.Ep.Asn asn) => new(AccountKind.PendingCredits, unchecked((long)asn.Value));

    /// <summary>A merchant's payable.</summary>
    public static Account Payable(uint merchantId) => new(AccountKind.MerchantPayable, merchantId);

    /// <summary>An outlet operator's cash.</summary>
    public static Account OutletCash(uint operatorId) => new(AccountKind.OutletCash, operatorId);

    /// <summary>An account without sub-accounts.</summary>
    public static Account Of(AccountKind kind) => new(kind, 0);

    /// <inheritdoc />
    public override string ToString() => Kind is AccountKind.CardFloat or AccountKind.PendingCredits
        ? $"{Kind}:{unchecked((ulong)Sub):X16}"
        : $"{Kind}:{Sub}";
}
