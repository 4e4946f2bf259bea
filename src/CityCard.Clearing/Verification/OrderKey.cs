using CityCard.Security.Ep;

namespace CityCard.Clearing.Verification;

/// <summary>
/// A card's transaction order: the record's date-time (as the number <c>yyyyMMddHHmmss</c>, China Standard Time), then
/// the counter kind, then the counter. The balance chain links records in this order.
/// </summary>
public readonly record struct OrderKey(long Time, CounterKind Kind, long Counter) : IComparable<OrderKey>
{
    /// <summary>Before every record: the position of the card's opening balance.</summary>
    public static OrderKey None { get; } = new(0, 0, 0);

    /// <summary>Less-than.</summary>
    public static bool operator <(OrderKey left, OrderKey right) => left.CompareTo(right) < 0;

    /// <summary>Greater-than.</summary>
    public static bool operator >(OrderKey left, OrderKey right) => left.CompareTo(right) > 0;

    /// <summary>Less-or-equal.</summary>
    public static bool operator <=(OrderKey left, OrderKey right) => left.CompareTo(right) <= 0;

    /// <summary>Greater-or-equal.</summary>
    public static bool operator >=(OrderKey left, OrderKey right) => left.CompareTo(right) >= 0;

    /// <summary>The date-time as the decimal number yyyyMMddHHmmss.</summary>
    public static long TimeNumber(BcdDateTime dateTime)
    {
        var t = dateTime.Value;
        return (t.Year * 10_000_000_000L) + (t.Month * 100_000_000L) + (t.Day * 1_000_000L) + (t.Hour * 10_000L) + (t.Minute * 100L) + t.Second;
    }

    /// <inheritdoc />
    public int CompareTo(OrderKey other)
    {
        var byTime = Time.CompareTo(other.Time);
        if (byTime != 0)
        {
            return byTime;
        }

        var byKind = ((byte)Kind).CompareTo((byte)other.Kind);
        return byKind != 0 ? byKind : Counter.CompareTo(other.Counter);
    }
}
