namespace CityCard.Clearing.Ledger;

/// <summary>
/// A balanced set of postings: its amounts sum to zero (checked at construction; a violation is a bug and throws).
/// Transactions are only ever appended; a correction is a <see cref="LedgerTransactionKind.Reversal"/>.
/// </summary>
public sealed record LedgerTransaction
{
    /// <summary>Creates a transaction, checking that it balances.</summary>
    public LedgerTransaction(LedgerTransactionKind kind, DateOnly businessDate, string reference, IReadOnlyList<Posting> postings, long? reverses = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(postings);
        long sum = 0;
        foreach (var posting in postings)
        {
            sum = checked(sum + posting.AmountFen);
        }

        if (sum != 0)
        {
            throw new InvalidOperationException($"ledger: transaction '{reference}' does not balance (postings sum to {sum} fen)");
        }

        Kind = kind;
        BusinessDate = businessDate;
        Reference = reference;
        Postings = postings;
        Reverses = reverses;
    }

    /// <summary>What it records.</summary>
    public LedgerTransactionKind Kind { get; }

    /// <summary>The business day it belongs to.</summary>
    public DateOnly BusinessDate { get; }

    /// <summary>A human-readable reference (batch, card, settlement date).</summary>
    public string Reference { get; }

    /// <summary>The postings (sum zero).</summary>
    public IReadOnlyList<Posting> Postings { get; }

    /// <summary>The id of the transaction this one reverses, if it is a reversal.</summary>
    public long? Reverses { get; }

    /// <summary>The reversal of a stored transaction: every posting negated.</summary>
    public static LedgerTransaction ReversalOf(long transactionId, IReadOnlyList<Posting> original, DateOnly businessDate, string reference)
    {
        ArgumentNullException.ThrowIfNull(original);
        return new LedgerTransaction(
            LedgerTransactionKind.Reversal,
            businessDate,
            reference,
            original.Select(p => p with { AmountFen = checked(-p.AmountFen) }).ToList(),
            transactionId);
    }
}
