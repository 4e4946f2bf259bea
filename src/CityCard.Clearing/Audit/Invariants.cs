namespace CityCard.Clearing.Audit;

/// <summary>The ids and titles of the DESIGN.md §6 invariants as audited.</summary>
public static class Invariants
{
    /// <summary>1. Sum of all ledger postings = 0 (and every transaction balances).</summary>
    public const string LedgerBalances = "ledger-balances";

    /// <summary>2. Card float = sum of the shadow balances of all cards.</summary>
    public const string CardFloat = "card-float-equals-shadow-balances";

    /// <summary>3. Shadow balance = the balance the card reports after its last cleared transaction.</summary>
    public const string ShadowBalance = "shadow-balance-equals-card-balance";

    /// <summary>4. Every record accounted for exactly once; nothing dropped.</summary>
    public const string RecordsAccounted = "every-record-accounted-once";

    /// <summary>5. Per card, counters of accepted records have no duplicates.</summary>
    public const string UniqueCounters = "accepted-counters-unique";

    /// <summary>6. Settlement paid to each merchant = its accepted purchases − commission.</summary>
    public const string SettlementNet = "settlement-equals-purchases-minus-commission";

    /// <summary>7. The operator log's hash chain is intact: no entry removed or altered.</summary>
    public const string OperatorLogChained = "operator-log-chain-intact";

    /// <summary>8. Each card's pending credits account equals its unclaimed pending credits.</summary>
    public const string PendingCreditsHeld = "pending-credits-equal-unclaimed-credits";

    /// <summary>The title of an invariant by number.</summary>
    public static string Title(int number) => number switch
    {
        1 => "sum of all ledger postings is zero and every transaction balances",
        2 => "card float equals the sum of the cards' shadow balances",
        3 => "each card's shadow balance equals the balance it reported after its last cleared transaction",
        4 => "every uploaded record is stored with exactly one outcome and every accepted one is posted once",
        5 => "per card, the counters of accepted records have no duplicates",
        6 => "settlement paid to each merchant equals its accepted purchases minus commission",
        7 => "the operator log's hash chain is intact (no entry removed or altered)",
        8 => "each card's pending credits account equals its unclaimed pending credits",
        _ => throw new ArgumentOutOfRangeException(nameof(number), number, "invariants are numbered 1..8"),
    };
}
