namespace CityCard.Clearing.Settlement;

/// <summary>A batch's terminal totals against what the centre stored and posted for it (reconciliation input).</summary>
public sealed record BatchCheck
{
    /// <summary>The batch.</summary>
    public required long BatchId { get; init; }

    /// <summary>Uploading device.</summary>
    public required uint DeviceId { get; init; }

    /// <summary>Batch number.</summary>
    public required uint BatchNumber { get; init; }

    /// <summary>Records the trailer declares.</summary>
    public required long DeclaredRecords { get; init; }

    /// <summary>Amount sum the trailer declares, fen.</summary>
    public required long DeclaredFen { get; init; }

    /// <summary>Records the centre's receipt counted (accepted + duplicate + rejected + suspect).</summary>
    public long ReceiptRecords { get; init; }

    /// <summary>Records stored with an outcome.</summary>
    public required long StoredRecords { get; init; }

    /// <summary>Amount of the stored records, fen.</summary>
    public required long StoredFen { get; init; }

    /// <summary>Accepted purchases minus accepted loads, fen (what the card float should move by).</summary>
    public required long AcceptedNetFen { get; init; }

    /// <summary>What the batch's ledger transaction moved on card float (debits positive), fen.</summary>
    public required long PostedCardFloatFen { get; init; }
}
