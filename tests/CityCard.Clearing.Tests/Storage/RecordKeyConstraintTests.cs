using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Clearing.Verification;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security.Ep;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>
/// The database's own guard under the pipeline: one accepted record per (card, counter kind, counter). The SQLite record
/// insert runs without a statement journal (<c>INSERT OR FAIL</c>, for throughput), so these show that a breach still
/// fails the whole write, on the first row of a multi-row insert and in the middle of one, and leaves nothing behind.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class RecordKeyConstraintTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void SaveBatch_AcceptedKeyAlreadyStored_WholeWriteRefusedAndNothingStored(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(50_000);
        var records = Enumerable.Range(0, 40).Select(i => card.Purchase(100, BusTerminal, BusCompany, At(8, i))).ToArray();
        world.Ingest(BusDevice, 1, records[..20]);
        var store = world.Database.Store;
        var cardBefore = world.Card(card);

        // 19 new records, then one that repeats stored counter 5 as accepted: the breach is row 20 of the insert.
        var middle = Write(card.Asn, 2, [.. records[20..39], records[5]]);
        // The breach is the first row, then a new record.
        var first = Write(card.Asn, 3, [records[7], records[39]]);

        Assert.ThrowsAny<Exception>(() => store.Write(w => w.SaveBatch(middle)));
        Assert.ThrowsAny<Exception>(() => store.Write(w => w.SaveBatch(first)));
        Assert.Null(store.Read(r => r.FindBatch(BusDevice, 2)));
        Assert.Null(store.Read(r => r.FindBatch(BusDevice, 3)));
        Assert.Equal(20, store.Read(r => r.CardHistory(card.Asn)).Count);
        Assert.Equal(cardBefore, world.Card(card));
        Assert.True(store.Read(r => r.Audit()).Ok);

        // The store is still usable: the 20 new records clear normally.
        var later = world.Ingest(BusDevice, 2, records[20..]);
        Assert.Equal(20, later.Receipt.Totals.Accepted);
        Assert.Equal(40, store.Read(r => r.CardHistory(card.Asn)).Count);
    }

    // The writer keeps (batch, position) unique (SQLite has no index on it): a write whose positions are not 0..n-1, each
    // once, is refused before anything is stored.
    [Theory]
    [MemberData(nameof(Engines))]
    public void SaveBatch_PositionRepeatedOrOutOfRange_WholeWriteRefusedAndNothingStored(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(50_000);
        var records = Enumerable.Range(0, 3).Select(i => card.Purchase(100, BusTerminal, BusCompany, At(8, i))).ToArray();
        var store = world.Database.Store;
        var good = Write(card.Asn, 1, records);
        var repeated = Write(1, 300, [good.Records[0], good.Records[1], good.Records[2] with { Index = 1 }]);
        var outside = Write(1, 300, [good.Records[0], good.Records[1], good.Records[2] with { Index = 3 }]);

        var twice = Assert.Throws<InvalidOperationException>(() => store.Write(w => w.SaveBatch(repeated)));
        var beyond = Assert.Throws<InvalidOperationException>(() => store.Write(w => w.SaveBatch(outside)));

        Assert.Contains("record position 1 appears twice", twice.Message, StringComparison.Ordinal);
        Assert.Contains("record position 3 is outside 0..2", beyond.Message, StringComparison.Ordinal);
        Assert.Null(store.Read(r => r.FindBatch(BusDevice, 1)));
        Assert.Empty(store.Read(r => r.CardHistory(card.Asn)));
        store.Write(w => w.SaveBatch(good));
        Assert.Equal(3, store.Read(r => r.CardHistory(card.Asn)).Count);
    }

    // A hand-made write that claims every record was accepted, bypassing the pipeline's duplicate check. Its records are
    // inserted in the order given (not sorted by key, as the pipeline's are), so the test places the breach in the insert.
    private static BatchWrite Write(Asn asn, uint batchNumber, TransactionRecord[] records)
    {
        ClearedRecord[] cleared = [.. records.Select((r, i) => new ClearedRecord
        {
            Index = i,
            Key = new RecordKey(asn, CounterKind.Offline, r.Counter),
            Order = new OrderKey(OrderKey.TimeNumber(r.DateTime), CounterKind.Offline, r.Counter),
            Kind = r.Kind,
            Reason = ReasonCode.Cleared,
            AmountFen = r.AmountFen,
            BalanceBeforeFen = r.BalanceBeforeFen,
            BalanceAfterFen = r.BalanceBeforeFen - r.AmountFen,
            PartyId = BusCompany,
            FullFareFen = r.AmountFen,
            Raw = Raw(r),
        })];
        return Write(batchNumber, records.Sum(r => r.AmountFen), cleared);
    }

    private static BatchWrite Write(uint batchNumber, long amountFen, ClearedRecord[] cleared) => new()
    {
        Header = new BatchHeader
        {
            DeviceKind = DeviceKind.BusValidator,
            DeviceId = BusDevice,
            PsamTerminal = BusTerminal,
            BatchNumber = batchNumber,
            CreatedUtc = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero),
            OperatorId = BusCompany,
            ParameterVersion = 1,
        },
        Receipt = new BatchReceipt
        {
            FileSha256 = new string('A', 63) + batchNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            DeviceId = BusDevice,
            BatchNumber = batchNumber,
            Status = BatchStatus.Cleared,
            BusinessDate = Today,
            ReceivedUtc = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero),
        },
        DeclaredAmountFen = amountFen,
        Records = cleared,
        RecordsInKeyOrder = cleared,
        UpdatedCards = [],
        GapsOpened = [],
        GapsClosed = [],
    };

    private static byte[] Raw(TransactionRecord record)
    {
        var raw = new byte[BatchCodec.RecordLength];
        RecordCodec.Write(record, raw);
        return raw;
    }
}
