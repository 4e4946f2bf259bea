using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Verification;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Tests.Pipeline;

/// <summary>
/// A card's state during a bulk write (<see cref="BatchProcessor.CardWork"/>) keeps the records of its own batch and of the
/// batch before, in arrival order; continuing it to the next batch drops the older ones and clears what the batch owed.
/// Checked against a plain list over random runs of remembers and continuations.
/// </summary>
public sealed class CardWorkTests
{
    private static readonly Asn Card = new(0x3100_0000_0000_0042);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void HeldRecords_RandomRemembersAndContinuations_MatchAPlainList(int seed)
    {
        var random = new Random(seed);
        var work = new BatchProcessor.CardWork(CardAccount.Register(Card, new CityCode(0x3100), 1, 0, 1_000, 0, 0, DateTimeOffset.UnixEpoch));
        var model = new List<BatchProcessor.HeldRecord>();
        var inherited = 0;
        var counter = 0;
        for (var step = 0; step < 2_000; step++)
        {
            if (random.Next(4) == 0)
            {
                work.FloatFen = random.Next(-500, 500);
                work.Changed = true;
                work.Continue();
                model.RemoveRange(0, inherited);
                inherited = model.Count;
                Assert.Equal((0L, false), (work.FloatFen, work.Changed));
            }
            else
            {
                var held = Held(counter++, random.Next(3));
                work.Remember(held);
                model.Add(held);
            }

            Assert.Equal(model.Count, work.HeldCount);
            for (var i = 0; i < model.Count; i++)
            {
                Assert.Equal(model[i], work.HeldAt(i));
            }
        }
    }

    [Fact]
    public void Continue_TwiceWithNothingNew_DropsEverything()
    {
        var work = new BatchProcessor.CardWork(CardAccount.Register(Card, new CityCode(0x3100), 1, 0, 1_000, 0, 0, DateTimeOffset.UnixEpoch));
        work.Remember(Held(0, 0));
        work.Remember(Held(1, 1));
        work.Continue();
        Assert.Equal(2, work.HeldCount);
        work.Continue();
        Assert.Equal(0, work.HeldCount);
        var next = Held(2, 2);
        work.Remember(next);
        Assert.Equal(next, work.HeldAt(0));
    }

    // Kind 0: an accepted purchase (with its chain link), 1: a suspect record, 2: an accepted access event.
    private static BatchProcessor.HeldRecord Held(int counter, int kind)
    {
        var key = new RecordKey(Card, kind == 2 ? CounterKind.Access : CounterKind.Offline, counter);
        var raw = new byte[] { (byte)(counter & 0xFF), (byte)((counter >> 8) & 0xFF) };
        return kind switch
        {
            0 => new BatchProcessor.HeldRecord(key, raw, new ChainLink(new OrderKey(counter, CounterKind.Offline, counter), 100 - counter, 99 - counter)),
            1 => new BatchProcessor.HeldRecord(key, raw, Link: null, Accepted: false),
            _ => new BatchProcessor.HeldRecord(key, raw, Link: null),
        };
    }
}
