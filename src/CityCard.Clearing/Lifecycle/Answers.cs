namespace CityCard.Clearing.Lifecycle;

// The answers of the lifecycle operations. They are stored as JSON under the request id (a replay returns them), so
// they hold plain values: ASNs as 16 hex digits, money in fen.

/// <summary>A card sold: the ASN the centre allocated and what the outlet personalises.</summary>
public sealed record SaleAnswer(
    string Asn,
    string City,
    string Product,
    string CardType,
    byte CardTypeCode,
    long DepositFen,
    long OverdraftLimitFen,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    DateOnly? ConcessionValidUntil,
    string? HolderName,
    string? IdNumber,
    uint OutletId);

/// <summary>A loss reported: the blacklist version that lists the card and when it may be replaced.</summary>
public sealed record LossAnswer(string Asn, uint BlacklistVersion, DateTimeOffset LostUtc, long ShadowBalanceFen, DateTimeOffset ReplaceableFromUtc);

/// <summary>A lost card found again before replacement: the blacklist version that removes it.</summary>
public sealed record FoundAnswer(string Asn, uint BlacklistVersion);

/// <summary>
/// A lost card replaced: the new card, the value moved to it as a pending credit, the old card's pending credits moved
/// with it (online payments and adjustments it had not yet written), and the loss statement.
/// </summary>
public sealed record ReplacementAnswer(string OldAsn, SaleAnswer NewCard, long RecoveredFen, long FeeFen, long? PendingCreditId, LossStatement Statement, long TransferredCreditsFen = 0);

/// <summary>
/// A refund done (<c>done</c>), held for a second operator (<c>awaiting-approval</c>) or declined by them
/// (<c>declined</c>). Paid out: deposit + balance + the lost card's unwritten pending credits − fee.
/// </summary>
public sealed record RefundAnswer(string Status, long? ApprovalId, string Asn, long DepositFen, long BalanceFen, long FeeFen, long PaidOutFen, uint? BlacklistVersion, LossStatement? Statement, long CreditsFen = 0);

/// <summary>A manual adjustment credited (<c>done</c>), held for a second operator (<c>awaiting-approval</c>) or declined by them (<c>declined</c>).</summary>
public sealed record AdjustmentAnswer(string Status, long? ApprovalId, string Asn, long AmountFen, long? PendingCreditId);

/// <summary>A checker's decision on a held operation, with the operation's answer when approved.</summary>
public sealed record ApprovalAnswer(long ApprovalId, string Operation, string Maker, string Checker, string Status, RefundAnswer? Refund, AdjustmentAnswer? Adjustment);

/// <summary>A concession renewed: its new last day.</summary>
public sealed record RenewalAnswer(string Asn, string Product, DateOnly ConcessionValidUntil);

/// <summary>A product changed: the new card type to write to the card and the deposit difference (positive: taken).</summary>
public sealed record ProductChangeAnswer(string Asn, string FromProduct, string ToProduct, string CardType, byte CardTypeCode, long DepositDifferenceFen, DateOnly? ConcessionValidUntil);

/// <summary>An online payment credited to a card's pending credits.</summary>
public sealed record TopUpAnswer(string PaymentId, string Asn, long AmountFen, long PendingCreditId, string Status);

/// <summary>What the healer did: pending credits refunded or kept, online loads expired.</summary>
public sealed record HealReport(DateTimeOffset RunUtc, IReadOnlyList<HealLine> Refunded, IReadOnlyList<HealLine> Kept, IReadOnlyList<string> ExpiredLoads, long RefundedFen);

/// <summary>One pending credit the healer looked at.</summary>
public sealed record HealLine(long CreditId, string Asn, string Source, string Reference, long AmountFen, DateTimeOffset CreatedUtc, string Note);
