namespace CityCard.Cards.Transactions;

/// <summary>How a purchase exchange ended.</summary>
public enum PurchaseOutcome
{
    /// <summary>The card debited and the PSAM verified MAC2; the record is complete.</summary>
    Completed,

    /// <summary>The card does not carry the city-card application, or its EF 0015 is unreadable.</summary>
    NotCityCard,

    /// <summary>The application is blocked (<c>6A81</c>).</summary>
    Blocked,

    /// <summary>Balance plus overdraft does not cover the amount (<c>9401</c>).</summary>
    InsufficientBalance,

    /// <summary>The card's offline counter is at its maximum (<c>9402</c>).</summary>
    CounterExhausted,

    /// <summary>The card does not support the key index (<c>9403</c>), or reports an unknown algorithm.</summary>
    KeyNotSupported,

    /// <summary>The PSAM holds no purchase master key for the card's key version and algorithm (<c>9403</c>).</summary>
    PsamKeyMissing,

    /// <summary>The card refused MAC1 (<c>9302</c>): card and PSAM keys do not belong together. Nothing was debited.</summary>
    Mac1Rejected,

    /// <summary>The card debited but the PSAM refused its MAC2 (<c>9302</c>): a suspicious card; the record is kept for review.</summary>
    Mac2Invalid,

    /// <summary>The card answered another status word; nothing was debited.</summary>
    CardRefused,

    /// <summary>The PSAM answered another status word.</summary>
    PsamRefused,

    /// <summary>The card left before DEBIT; nothing was debited.</summary>
    CardRemoved,

    /// <summary>The card was lost during DEBIT: the outcome is unknown until <c>PurchaseExchange.Recover</c> asks the card.</summary>
    Interrupted,

    /// <summary>Recovery: the card holds no proof for the transaction, so it was not debited.</summary>
    NotDebited,

    /// <summary>Recovery: another card was presented.</summary>
    DifferentCard,
}
