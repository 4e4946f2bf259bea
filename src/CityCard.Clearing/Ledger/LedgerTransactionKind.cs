namespace CityCard.Clearing.Ledger;

/// <summary>What a ledger transaction records. Numbers are stored; never renumber.</summary>
public enum LedgerTransactionKind : byte
{
    /// <summary>The accepted records of one batch.</summary>
    BatchClearing = 1,

    /// <summary>A card sold: deposit and opening balance against outlet cash.</summary>
    CardSale = 2,

    /// <summary>A day's settlement: payables paid out, outlet cash remitted.</summary>
    Settlement = 3,

    /// <summary>The exact negation of an earlier transaction (the only way to correct the ledger).</summary>
    Reversal = 4,

    /// <summary>A suspect record accepted on review.</summary>
    ReviewAcceptance = 5,

    /// <summary>A card refunded: deposit and balance less the fee paid out at an outlet; the card closed.</summary>
    CardRefund = 6,

    /// <summary>A lost card replaced: its recovered value moved to the new card's pending credits; the fee.</summary>
    CardReplacement = 7,

    /// <summary>An online payment credited to a card's pending credits.</summary>
    OnlineTopUp = 8,

    /// <summary>Pending credits written to a card by an outlet's online load (the outlet took no cash for them).</summary>
    PendingCreditClaim = 9,

    /// <summary>Unclaimed pending credits refunded to the payer (the healer).</summary>
    PendingCreditRefund = 10,

    /// <summary>A manual adjustment credited to a card's pending credits.</summary>
    ManualAdjustment = 11,

    /// <summary>A product change: the deposit difference taken or returned.</summary>
    ProductChange = 12,
}
