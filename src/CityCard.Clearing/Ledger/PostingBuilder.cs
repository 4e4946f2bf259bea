namespace CityCard.Clearing.Ledger;

/// <summary>Accumulates postings by account, so a batch becomes one transaction with one line per account.</summary>
public sealed class PostingBuilder
{
    private readonly Dictionary<Account, long> lines;

    /// <summary>Creates an empty builder.</summary>
    public PostingBuilder()
        : this(0)
    {
    }

    /// <summary>Creates an empty builder with room for about <paramref name="accounts"/> accounts (a batch's cards and parties).</summary>
    public PostingBuilder(int accounts) => lines = new Dictionary<Account, long>(accounts);

    /// <summary>True when no line has a non-zero amount.</summary>
    public bool IsEmpty => lines.Values.All(v => v == 0);

    /// <summary>Adds a debit (positive) or credit (negative) to an account.</summary>
    public void Add(Account account, long amountFen)
    {
        lines.TryGetValue(account, out var current);
        lines[account] = checked(current + amountFen);
    }

    /// <summary>The non-zero lines in a stable order (by kind, then sub-account).</summary>
    public IReadOnlyList<Posting> ToPostings() => lines
        .Where(l => l.Value != 0)
        .OrderBy(l => l.Key.Kind)
        .ThenBy(l => l.Key.Sub)
        .Select(l => new Posting(l.Key, l.Value))
        .ToList();
}
