namespace CityCard.Clearing.Settlement;

/// <summary>
/// A business day's settlement: the statements, the batches it covered and the reconciliation differences (empty when
/// everything agrees). Stored once; settling the same day again returns it unchanged.
/// </summary>
public sealed record SettlementReport
{
    /// <summary>The business day.</summary>
    public required DateOnly Date { get; init; }

    /// <summary>When it was first run.</summary>
    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>Batches settled in this run (this day's and earlier days' late ones).</summary>
    public required int Batches { get; init; }

    /// <summary>Statements, by merchant id and rate.</summary>
    public required IReadOnlyList<MerchantStatement> Statements { get; init; }

    /// <summary>Every difference the reconciliation found, one sentence each.</summary>
    public required IReadOnlyList<string> Differences { get; init; }

    /// <summary>True when the reconciliation found no difference.</summary>
    public bool Reconciled => Differences.Count == 0;

    /// <summary>Total paid out, fen.</summary>
    public long NetFen => Statements.Sum(s => s.NetFen);
}
