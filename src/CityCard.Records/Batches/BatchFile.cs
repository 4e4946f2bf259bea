namespace CityCard.Records.Batches;

/// <summary>A parsed and verified batch file: header and records (the trailer was checked against them).</summary>
public sealed record BatchFile(BatchHeader Header, IReadOnlyList<TransactionRecord> Records)
{
    /// <summary>Sum of the record amounts, fen (as in the trailer).</summary>
    public long AmountSumFen => Records.Sum(r => r.AmountFen);
}
