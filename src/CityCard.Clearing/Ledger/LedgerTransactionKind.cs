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
}
