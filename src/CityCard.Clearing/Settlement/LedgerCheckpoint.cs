namespace CityCard.Clearing.Settlement;

/// <summary>
/// Where a settlement's audit stopped: the last ledger transaction it checked, the sum of every posting up to it and the
/// card float up to it. The next settlement checks only the transactions after it and carries the sums on, so its cost
/// follows the day's volume, not the size of the database (docs/clearing.md "Settlement").
/// </summary>
/// <param name="TransactionId">The last transaction checked (0: none yet).</param>
/// <param name="PostingsFen">Sum of every posting of transactions up to and including it, fen (0 when the ledger balances).</param>
/// <param name="CardFloatFen">Card float (the negated card-float postings) up to and including it, fen.</param>
public sealed record LedgerCheckpoint(long TransactionId, long PostingsFen, long CardFloatFen)
{
    /// <summary>Before the first transaction.</summary>
    public static LedgerCheckpoint Start { get; } = new(0, 0, 0);
}
