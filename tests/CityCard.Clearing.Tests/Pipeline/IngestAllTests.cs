using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Records;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Pipeline;

/// <summary>
/// The pipelined bulk path (<see cref="ClearingService.IngestAll"/>: the next file read and verified on the other cores
/// while the current one holds the write lock) gives exactly the answers and the database of one file at a time, also for
/// batches large enough to be decoded and verified in parallel chunks.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class IngestAllTests(PostgresServer server)
{
    private const int Cards = 60;

    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void IngestAll_MixedFiles_SameReceiptsCardsAndAuditAsOneAtATime(string engine)
    {
        using var pipelined = new World(TestDatabase.Create(engine, server));
        using var oneByOne = new World(TestDatabase.Create(engine, server));
        var cards = Enumerable.Range(0, Cards).Select(_ => pipelined.SellCard(1_000_000)).ToList();
        foreach (var _ in cards)
        {
            oneByOne.SellCard(1_000_000);
        }

        // A big batch (over 10,000 records, so several parallel chunks) with a forged TAC, an in-batch duplicate and a
        // clone; a second batch repeating a record of the first; the first again; a tampered copy; a truncated file.
        var big = new List<TransactionRecord>();
        for (var round = 0; round < 170; round++)
        {
            big.AddRange(cards.Select(card => card.Purchase(3, BusTerminal, BusCompany, At(6).AddSeconds(round * 20))));
        }

        big[5_000] = big[5_000] with { Tac = big[5_000].Tac ^ 1 };
        big.Insert(9_000, big[8_990]);
        var original = big.First(r => r.Asn == cards[7].Asn && r.Counter == 100);
        big.Insert(9_500, cards[7].Sign(original with { AmountFen = 1 }));
        var first = pipelined.Batch(BusDevice, 1, [.. big]);
        var second = pipelined.Batch(BusDevice, 2, big[100], cards[0].Purchase(5, BusTerminal, BusCompany, At(12)));
        var tampered = (byte[])second.Clone();
        tampered[48 + 55] ^= 0x01;
        byte[][] files = [first, second, first, pipelined.Batch(BusDevice, 3, cards[1].Purchase(5, BusTerminal, BusCompany, At(13)))[..^7], tampered];

        var together = pipelined.Clearing.IngestAll(files).ToList();
        var separately = files.Select(oneByOne.Clearing.Ingest).ToList();

        Assert.Equal(separately, together);
        Assert.Equal(
            [BatchStatus.Cleared, BatchStatus.Cleared, BatchStatus.Cleared, BatchStatus.Refused, BatchStatus.Refused],
            together.Select(r => r.Receipt.Status));
        Assert.True(together[2].Replayed);
        var totals = together[0].Receipt.Totals;
        Assert.Equal((big.Count - 3, 1, 1, 1), (totals.Accepted, totals.Duplicate, totals.Rejected, totals.Suspect));
        Assert.Equal((1, 1), (together[1].Receipt.Totals.Accepted, together[1].Receipt.Totals.Duplicate));
        Assert.Equal((FileRefusal.Malformed, FileRefusal.BadFileMac), (together[3].Receipt.Refusal, together[4].Receipt.Refusal));
        Assert.All(cards, card => Assert.Equal(oneByOne.Card(card), pipelined.Card(card)));
        Assert.Equal(
            oneByOne.Database.Store.Read(r => r.RecordsByOutcome(RecordOutcome.Suspect, 10)).Select(s => s.Record),
            pipelined.Database.Store.Read(r => r.RecordsByOutcome(RecordOutcome.Suspect, 10)).Select(s => s.Record),
            RecordComparer.Instance);
        PipelineTests.AssertAuditOk(pipelined);
        Assert.Equal(oneByOne.Database.Store.Read(r => r.Audit()).ToText(), pipelined.Database.Store.Read(r => r.Audit()).ToText());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void IngestAll_StoppedAfterTheFirstReceipt_LaterFilesNotIngested(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(5_000);
        var files = Enumerable.Range(1, 3).Select(n => world.Batch(BusDevice, (uint)n, card.Purchase(100, BusTerminal, BusCompany, At(6 + n)))).ToList();

        var first = world.Clearing.IngestAll(files).First();

        Assert.Equal(1, first.Receipt.Totals.Accepted);
        Assert.Null(world.Database.Store.Read(r => r.FindBatch(BusDevice, 2)));
        Assert.Null(world.Database.Store.Read(r => r.FindBatch(BusDevice, 3)));
        Assert.Equal(4_900, world.Card(card).ShadowBalanceFen);
        Assert.Equal(2, world.Clearing.IngestAll(files).Count(r => !r.Replayed));
        Assert.Equal(4_700, world.Card(card).ShadowBalanceFen);
    }

    public static TheoryData<string, int> EnginesAndGroups => new()
    {
        { "sqlite", 2 },
        { "sqlite", 3 },
        { "sqlite", 8 },
        { "postgres", 2 },
        { "postgres", 8 },
    };

    // Several files to a transaction: each file is decided while the previous one is written, from the state it left in
    // memory. Files that depend on the previous ones in every way the pipeline looks back — a duplicate and a clone of a
    // record of the file before, a load between purchases, a record dated before its card's tip (neighbour lookups), a
    // taxi meter looked up, a gap opened and then filled, a replay, a reused batch number of the file just before, a
    // refused file in the middle — give the receipts, cards, gaps and audit of one file at a time.
    [Theory]
    [MemberData(nameof(EnginesAndGroups))]
    public void IngestAll_SeveralFilesPerTransaction_SameAsOneAtATime(string engine, int filesPerTransaction)
    {
        using var grouped = new World(TestDatabase.Create(engine, server));
        using var oneByOne = new World(TestDatabase.Create(engine, server));
        var cards = Enumerable.Range(0, 10).Select(_ => grouped.SellCard(100_000)).ToList();
        foreach (var _ in cards)
        {
            oneByOne.SellCard(100_000);
        }

        var morning = cards.SelectMany(card => new[] { card.Purchase(200, BusTerminal, BusCompany, At(6)), card.Purchase(200, BusTerminal, BusCompany, At(7)) }).ToArray();
        var clone = cards[1].Sign(morning[2] with { AmountFen = 1 });
        var shop = cards.Select(card => card.Purchase(500, ShopTerminal, Shop, At(8))).ToArray();
        var load = cards[2].Load(1_000, OutletTerminal, Outlet, At(9));
        var earlier = cards[3].Purchase(100, BusTerminal, BusCompany, At(5));
        var skipped = cards[4].Purchase(100, BusTerminal, BusCompany, At(10));
        var beyond = cards[4].Purchase(100, BusTerminal, BusCompany, At(11));
        var taxi = cards[5].Purchase(1_500, MeterTerminal, TaxiCompany, At(10));
        var noon = cards.Select(card => card.Purchase(300, ShopTerminal, Shop, At(12))).ToArray();
        var bus1 = grouped.Batch(BusDevice, 1, morning);
        var bus2 = grouped.Batch(BusDevice, 2, earlier, beyond, morning[0], clone);
        var bus2Other = grouped.Batch(BusDevice, 2, skipped);
        var bus3 = grouped.Batch(BusDevice, 3, skipped);
        var tampered = (byte[])bus3.Clone();
        tampered[48 + 55] ^= 0x01;
        byte[][] files =
        [
            bus1, bus2, bus2Other, grouped.Batch(ShopDevice, 1, shop), grouped.Batch(OutletDevice, 1, load), bus1, tampered,
            grouped.Batch(CollectorDevice, 1, taxi), bus3, grouped.Batch(ShopDevice, 2, noon), grouped.Batch(ShopDevice, 2, noon),
        ];

        var together = grouped.Clearing.IngestAll(files, filesPerTransaction).ToList();
        var separately = files.Select(oneByOne.Clearing.Ingest).ToList();

        Assert.Equal(separately, together);
        Assert.Equal(
            [BatchStatus.Cleared, BatchStatus.Cleared, BatchStatus.Refused, BatchStatus.Cleared, BatchStatus.Cleared, BatchStatus.Cleared, BatchStatus.Refused,
             BatchStatus.Cleared, BatchStatus.Cleared, BatchStatus.Cleared, BatchStatus.Cleared],
            together.Select(r => r.Receipt.Status));
        Assert.Equal((FileRefusal.BatchNumberReused, FileRefusal.BadFileMac), (together[2].Receipt.Refusal, together[6].Receipt.Refusal));
        Assert.True(together[5].Replayed && together[10].Replayed);
        Assert.Equal((2, 1, 1), (together[1].Receipt.Totals.Accepted, together[1].Receipt.Totals.Duplicate, together[1].Receipt.Totals.Suspect));
        Assert.Equal((1, 1, 10), (together[4].Receipt.Totals.Accepted, together[7].Receipt.Totals.Accepted, together[9].Receipt.Totals.Accepted));
        Assert.Equal(ReasonCode.ClearedFillsGap, grouped.Database.Store.Read(r => r.CardHistory(cards[4].Asn)).Single(h => h.Record.Key.Counter == skipped.Counter).Record.Reason);
        Assert.All(cards, card => Assert.Equal(oneByOne.Card(card), grouped.Card(card)));
        PipelineTests.AssertAuditOk(grouped);
        Assert.Equal(oneByOne.Database.Store.Read(r => r.Audit()).ToText(), grouped.Database.Store.Read(r => r.Audit()).ToText());
    }

    // A carried card keeps only the last file's own records, and the steps of a bulk write carry cards across commits:
    // duplicates, clones and neighbours of records two to four files back (written by then, some in an earlier step) are
    // found in the database, and every answer and card is that of one file at a time.
    [Theory]
    [MemberData(nameof(EnginesAndGroups))]
    public void IngestAll_RecordsOfFilesFurtherBack_SameAsOneAtATime(string engine, int filesPerTransaction)
    {
        using var grouped = new World(TestDatabase.Create(engine, server));
        using var oneByOne = new World(TestDatabase.Create(engine, server));
        var cards = Enumerable.Range(0, 3).Select(_ => grouped.SellCard(100_000)).ToList();
        foreach (var _ in cards)
        {
            oneByOne.SellCard(100_000);
        }

        var (a, b, c) = (cards[0], cards[1], cards[2]);
        var a1 = a.Purchase(100, BusTerminal, BusCompany, At(6));
        var a2 = a.Purchase(100, BusTerminal, BusCompany, At(6, 5));
        var b1 = b.Purchase(100, BusTerminal, BusCompany, At(6, 10));
        var a3 = a.Purchase(100, BusTerminal, BusCompany, At(7));
        var b2 = b.Purchase(100, BusTerminal, BusCompany, At(7, 5));
        var a4 = a.Purchase(100, BusTerminal, BusCompany, At(8));
        var c1 = c.Purchase(100, BusTerminal, BusCompany, At(10));
        var early = a.Purchase(100, BusTerminal, BusCompany, At(5));
        var b3 = b.Purchase(100, BusTerminal, BusCompany, At(11));
        byte[][] files =
        [
            grouped.Batch(BusDevice, 1, a1, a2, b1),
            grouped.Batch(BusDevice, 2, a3, b2),
            grouped.Batch(BusDevice, 3, a1, a4, b.Sign(b1 with { AmountFen = 1 })),
            grouped.Batch(BusDevice, 4, a3, c1),
            grouped.Batch(BusDevice, 5, a2, early),
            grouped.Batch(BusDevice, 6, b3, b2, a4),
            grouped.Batch(BusDevice, 7, a1),
        ];

        var together = grouped.Clearing.IngestAll(files, filesPerTransaction).ToList();
        var separately = files.Select(oneByOne.Clearing.Ingest).ToList();

        Assert.Equal(separately, together);
        Assert.Equal([3, 2, 1, 1, 1, 1, 0], together.Select(r => r.Receipt.Totals.Accepted));
        Assert.Equal([0, 0, 1, 1, 1, 2, 1], together.Select(r => r.Receipt.Totals.Duplicate));
        Assert.Equal(1, together[2].Receipt.Totals.Suspect);
        Assert.All(cards, card => Assert.Equal(oneByOne.Card(card), grouped.Card(card)));
        PipelineTests.AssertAuditOk(grouped);
        Assert.Equal(oneByOne.Database.Store.Read(r => r.Audit()).ToText(), grouped.Database.Store.Read(r => r.Audit()).ToText());
    }

    // Stored records compare by value, raw bytes included.
    private sealed class RecordComparer : IEqualityComparer<ClearedRecord>
    {
        public static readonly RecordComparer Instance = new();

        public bool Equals(ClearedRecord? x, ClearedRecord? y) =>
            x is not null && y is not null && (x with { Raw = Array.Empty<byte>() }) == (y with { Raw = Array.Empty<byte>() }) && x.Raw.AsSpan().SequenceEqual(y.Raw);

        public int GetHashCode(ClearedRecord obj) => obj.Index;
    }
}
