namespace CityCard.Cards.Transactions;

/// <summary>How a load exchange ended.</summary>
public enum LoadOutcome
{
    /// <summary>The card credited the amount and its TAC verified.</summary>
    Completed,

    /// <summary>The card does not carry the city-card application, or its EF 0015 is unreadable.</summary>
    NotCityCard,

    /// <summary>The application is blocked (<c>6A81</c>).</summary>
    Blocked,

    /// <summary>The card's online counter is at its maximum (<c>9402</c>).</summary>
    CounterExhausted,

    /// <summary>The card does not support the key index (<c>9403</c>), or reports an unknown algorithm.</summary>
    KeyNotSupported,

    /// <summary>The load would take the balance past its maximum (<c>6985</c> at INIT).</summary>
    BalanceLimit,

    /// <summary>The authority found MAC1 invalid; nothing was credited.</summary>
    Mac1Invalid,

    /// <summary>The authority holds no load key for the card; nothing was credited.</summary>
    UnknownKey,

    /// <summary>The authority declined by policy; nothing was credited.</summary>
    Declined,

    /// <summary>The card refused the host's MAC2 (<c>9302</c>); nothing was credited.</summary>
    Mac2Rejected,

    /// <summary>The card credited the amount but its TAC does not verify: report for investigation.</summary>
    TacInvalid,

    /// <summary>The card answered another status word; nothing was credited.</summary>
    CardRefused,

    /// <summary>The card left before CREDIT; nothing was credited.</summary>
    CardRemoved,

    /// <summary>The card was lost during CREDIT: unknown until <c>LoadExchange.Recover</c> asks the card.</summary>
    Interrupted,

    /// <summary>Recovery: the card holds no proof for the load, so it was not credited.</summary>
    NotCredited,

    /// <summary>Recovery: another card was presented.</summary>
    DifferentCard,
}
