namespace CityCard.Storage.Sql;

/// <summary>
/// Numbers collected with repeats (a card's ASN once per posting) and given back ascending, each once. Kept in one
/// array that is sorted and stripped of repeats whenever it fills, so it holds about as many numbers as are distinct
/// rather than as many as were added; grown when more than half of it is distinct after that.
/// </summary>
internal sealed class DistinctInt64s
{
    private long[] items;
    private int count;

    public DistinctInt64s(int capacity = 1 << 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        items = new long[capacity];
    }

    /// <summary>How many numbers are held now (repeats added since the last compaction included).</summary>
    public int Count => count;

    public void Add(long value)
    {
        if (count == items.Length)
        {
            Compact();
            if (count > items.Length / 2)
            {
                Array.Resize(ref items, checked(items.Length * 2));
            }
        }

        items[count++] = value;
    }

    /// <summary>The numbers added, ascending, each once.</summary>
    public long[] ToSortedArray()
    {
        Compact();
        return items.AsSpan(0, count).ToArray();
    }

    private void Compact()
    {
        var span = items.AsSpan(0, count);
        span.Sort();
        var kept = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (kept == 0 || span[i] != span[kept - 1])
            {
                span[kept++] = span[i];
            }
        }

        count = kept;
    }
}
