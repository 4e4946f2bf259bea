using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Tests.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Clearing.Verification;
using CityCard.Records;
using CityCard.Security.Ep;
using Microsoft.Data.Sqlite;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>
/// Records are stored in card-key order: the pipeline sorts each batch, and on SQLite (migration 10) the records table is
/// clustered by (batch, card key); the writer keeps (batch, position) unique.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class RecordOrderTests(PostgresServer server)
{
    private const string Columns = "batch_id, idx, asn, counter_kind, counter, order_time, kind, reason, outcome, amount_fen, balance_before_fen, balance_after_fen, party_id, full_fare_fen, subsidy_fen, commission_fen, commission_bps, raw";

    [Fact]
    public void InKeyOrder_SortsBySignedAsnThenKindCounterAndPosition_LeavingTheInputAlone()
    {
        // An ASN above 2^63 is stored as a negative number, so it sorts first, as the index has it.
        var high = new Asn(0x9000_0000_0000_0001);
        var low = new Asn(0x0000_0000_0000_0002);
        ClearedRecord[] input =
        [
            Record(0, low, CounterKind.Online, 1),
            Record(1, low, CounterKind.Offline, 7),
            Record(2, high, CounterKind.Offline, 9),
            Record(3, low, CounterKind.Offline, 3),
            Record(4, low, CounterKind.Offline, 3),
        ];

        var sorted = ClearedRecord.InKeyOrder(input);

        Assert.Equal([2, 3, 4, 1, 0], sorted.Select(r => r.Index));
        Assert.Equal([0, 1, 2, 3, 4], input.Select(r => r.Index));
    }

    [Fact]
    public void SqliteBatch_StoredClusteredByCardKey()
    {
        using var world = new World(TestDatabase.Create("sqlite", server));
        var first = world.SellCard(5_000);
        var second = world.SellCard(5_000);
        // File order alternates the cards; the table keeps each card's records together, in counter order.
        world.Ingest(
            BusDevice,
            1,
            first.Purchase(100, BusTerminal, BusCompany, At(8, 0)),
            second.Purchase(100, BusTerminal, BusCompany, At(8, 1)),
            first.Purchase(100, BusTerminal, BusCompany, At(8, 2)),
            second.Purchase(100, BusTerminal, BusCompany, At(8, 3)));

        // The raw bytes are in no index, so this reads the table itself, in its stored order.
        var stored = Rows(world.Database, "SELECT idx, raw FROM records", r => r.GetInt64(0));

        var firstFirst = unchecked((long)first.Asn.Value) < unchecked((long)second.Asn.Value);
        Assert.Equal(firstFirst ? [0L, 2, 1, 3] : [1L, 3, 0, 2], stored);
    }

    [Fact]
    public void Migration10_FromVersion9_KeepsEveryRecordAndTheKeyGuard()
    {
        using var world = new World(TestDatabase.Create("sqlite", server));
        var card = world.SellCard(50_000);
        var records = Enumerable.Range(0, 6).Select(i => card.Purchase(100, BusTerminal, BusCompany, At(8, i))).ToArray();
        world.Ingest(BusDevice, 1, records[..4]);
        world.Ingest(BusDevice, 2, records[3], records[4], records[5]);
        // Put the records table back as schema version 9 had it: clustered by (batch, position).
        world.Database.ExecuteRaw($"""
            CREATE TABLE records_v9 (batch_id BIGINT NOT NULL, idx BIGINT NOT NULL, asn BIGINT NOT NULL, counter_kind BIGINT NOT NULL, counter BIGINT NOT NULL,
              order_time BIGINT NOT NULL, kind BIGINT NOT NULL, reason BIGINT NOT NULL, outcome BIGINT NOT NULL, amount_fen BIGINT NOT NULL,
              balance_before_fen BIGINT NOT NULL, balance_after_fen BIGINT NOT NULL, party_id BIGINT NOT NULL, full_fare_fen BIGINT NOT NULL,
              subsidy_fen BIGINT NOT NULL, commission_fen BIGINT NOT NULL, commission_bps BIGINT NOT NULL, raw BLOB NOT NULL,
              PRIMARY KEY (batch_id, idx)) WITHOUT ROWID;
            INSERT INTO records_v9 ({Columns}) SELECT {Columns} FROM records;
            DROP TABLE records;
            ALTER TABLE records_v9 RENAME TO records;
            CREATE UNIQUE INDEX records_accepted_key ON records (asn, counter_kind, counter) WHERE outcome = 1;
            CREATE INDEX records_held_key ON records (asn, counter_kind, counter) WHERE outcome <> 1;
            CREATE INDEX records_held ON records (outcome, batch_id) WHERE outcome <> 1;
            DELETE FROM schema_version WHERE version = 10;
            """);
        var before = Rows(world.Database, $"SELECT {Columns} FROM records ORDER BY batch_id, idx", Row);
        Assert.Equal("batch_id,idx", string.Join(",", KeyColumns(world.Database)));

        world.Database.Store.Migrate();

        Assert.Equal("batch_id,asn,counter_kind,counter,idx", string.Join(",", KeyColumns(world.Database)));
        var after = Rows(world.Database, $"SELECT {Columns} FROM records ORDER BY batch_id, idx", Row);
        Assert.Equal(7, after.Count);
        Assert.Equal(before, after);
        Assert.Equal(ReasonCode.DuplicateRecord, (ReasonCode)Rows(world.Database, "SELECT reason FROM records WHERE batch_id = 2 AND idx = 0", r => r.GetInt64(0)).Single());
        Assert.True(world.Database.Store.Read(r => r.Audit()).Ok);
        // The key guard survives: a second accepted record of a stored key is refused.
        Assert.Throws<SqliteException>(() => world.Database.ExecuteRaw($"INSERT INTO records ({Columns}) SELECT batch_id, idx + 100, asn, counter_kind, counter, order_time, kind, reason, outcome, amount_fen, balance_before_fen, balance_after_fen, party_id, full_fare_fen, subsidy_fen, commission_fen, commission_bps, raw FROM records WHERE batch_id = 1 AND idx = 0"));
        // And the store goes on clearing: the next batch is accepted.
        var next = world.Ingest(BusDevice, 3, card.Purchase(100, BusTerminal, BusCompany, At(9)));
        Assert.Equal(1, next.Receipt.Totals.Accepted);
        PipelineTests.AssertAuditOk(world);
    }

    private static ClearedRecord Record(int index, Asn asn, CounterKind kind, long counter) => new()
    {
        Index = index,
        Key = new RecordKey(asn, kind, counter),
        Order = new OrderKey(0, kind, counter),
        Kind = RecordKind.Purchase,
        Reason = ReasonCode.Cleared,
        Raw = [],
    };

    private static List<string> KeyColumns(TestDatabase database) =>
        Rows(database, "SELECT name FROM pragma_table_info('records') WHERE pk > 0 ORDER BY pk", r => r.GetString(0));

    private static string Row(SqliteDataReader reader) => SqliteRows.Text(reader);

    private static List<T> Rows<T>(TestDatabase database, string sql, Func<SqliteDataReader, T> map) => SqliteRows.Of(database, sql, map);
}
