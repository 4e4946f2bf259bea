using CityCard.Storage.Sql;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>The settlement's set of touched cards against a plain sorted set, over random additions.</summary>
public sealed class DistinctInt64sTests
{
    [Theory]
    [InlineData(1, 10, 1)]
    [InlineData(2, 1_000, 4)]
    [InlineData(3, 100_000, 1 << 10)]
    [InlineData(4, 5_000, 1 << 16)]
    public void ToSortedArray_EqualsTheDistinctNumbersAdded_Ascending(int seed, int additions, int capacity)
    {
        var random = new Random(seed);
        var set = new DistinctInt64s(capacity);
        var model = new SortedSet<long>();
        // Mostly repeats of a small range, some anywhere (negative ASNs as stored included).
        for (var i = 0; i < additions; i++)
        {
            var value = random.Next(4) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : random.Next(-50, additions / 3 + 1);
            set.Add(value);
            model.Add(value);
            // It grows only when more than half of it is distinct, so it never holds more than four times the distinct
            // numbers (or its first capacity): repeats do not pile up.
            Assert.True(set.Count <= Math.Max(capacity, 4 * model.Count), $"{set.Count} held for {model.Count} distinct");
        }

        Assert.Equal(model.ToArray(), set.ToSortedArray());
        Assert.Equal(model.ToArray(), set.ToSortedArray());
    }

    [Fact]
    public void Empty_GivesNothing_AndACapacityBelowOneIsRefused()
    {
        Assert.Empty(new DistinctInt64s().ToSortedArray());
        Assert.Equal("capacity", Assert.Throws<ArgumentOutOfRangeException>(() => new DistinctInt64s(0)).ParamName);
    }
}
