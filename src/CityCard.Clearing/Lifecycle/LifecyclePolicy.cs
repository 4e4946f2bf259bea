namespace CityCard.Clearing.Lifecycle;

/// <summary>The configurable rules of the card lifecycle (the product file's <c>policy</c>, docs/lifecycle.md).</summary>
public sealed record LifecyclePolicy
{
    /// <summary>Days after a loss report before the card may be replaced or refunded: late offline uploads arrive meanwhile.</summary>
    public int WaitingPeriodDays { get; init; } = 7;

    /// <summary>Fee kept from a refund, fen (never more than what is refunded).</summary>
    public long RefundFeeFen { get; init; } = 500;

    /// <summary>Fee for a replacement card, fen, paid in cash at the outlet.</summary>
    public long ReplacementFeeFen { get; init; } = 1_000;

    /// <summary>Refunds and manual adjustments above this many fen need a second operator's approval (maker-checker).</summary>
    public long ApprovalAboveFen { get; init; } = 50_000;

    /// <summary>Pending credits unclaimed after this many days are refunded by the healer.</summary>
    public int PendingCreditDays { get; init; } = 30;

    /// <summary>An online load authorised and neither confirmed nor resolved after this many minutes is expired.</summary>
    public int LoadAuthorisationMinutes { get; init; } = 30;

    /// <summary>The waiting period as a time span.</summary>
    public TimeSpan WaitingPeriod => TimeSpan.FromDays(WaitingPeriodDays);
}
