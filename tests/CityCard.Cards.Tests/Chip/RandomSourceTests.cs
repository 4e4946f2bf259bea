using CityCard.Cards.Chip;

namespace CityCard.Cards.Tests.Chip;

/// <summary>The chip's random sources.</summary>
public sealed class RandomSourceTests
{
    [Fact]
    public void SystemRandomSource_SmallAndLargeRequests_AreFilledAndDiffer()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[8];
            SystemRandomSource.Instance.Fill(bytes);
            Assert.True(seen.Add(Convert.ToHexString(bytes)));
        }

        var large = new byte[1_000];
        SystemRandomSource.Instance.Fill(large);
        Assert.True(large.Distinct().Count() > 100);
    }

    [Fact]
    public void SeededRandomSource_SameSeed_SameBytes()
    {
        byte[] first = new byte[16], second = new byte[16];

        new SeededRandomSource(42).Fill(first);
        new SeededRandomSource(42).Fill(second);

        Assert.Equal(first, second);
    }

    [Fact]
    public void PowerCut_CutsOnceAtItsStep()
    {
        var cut = PowerCut.DuringStep(2, 5);

        Assert.Equal([null, null, 3, null], new[] { cut.CutPower(0, 4), cut.CutPower(1, 4), cut.CutPower(2, 3), cut.CutPower(2, 3) });
        Assert.True(cut.HasCut);
    }
}
