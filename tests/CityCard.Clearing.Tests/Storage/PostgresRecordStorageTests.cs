using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Tests.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Storage;
using CityCard.Storage.Postgres;
using Npgsql;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>
/// PostgreSQL's records table since migration 11: no (batch_id, idx) primary key (the writer keeps positions unique, as on
/// SQLite), a BRIN index on batch_id for a batch's rows, and records sent as raw binary COPY rows (<see cref="BinaryCopyRows"/>).
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class PostgresRecordStorageTests(PostgresServer server)
{
    private const string Columns = "batch_id, idx, asn, counter_kind, counter, order_time, kind, reason, outcome, amount_fen, balance_before_fen, balance_after_fen, party_id, full_fare_fen, subsidy_fen, commission_fen, commission_bps, raw";

    [Fact]
    public void Migration11_FromVersion10_DropsThePositionKey_KeepsEveryRecordAndTheKeyGuard()
    {
        using var world = new World(TestDatabase.Create("postgres", server));
        var card = world.SellCard(50_000);
        var records = Enumerable.Range(0, 6).Select(i => card.Purchase(100, BusTerminal, BusCompany, At(8, i))).ToArray();
        world.Ingest(BusDevice, 1, records[..4]);
        world.Ingest(BusDevice, 2, records[3], records[4], records[5]);
        Assert.Equal(["records_accepted_key", "records_batch", "records_held", "records_held_key"], Indexes(world.Database));
        // Put the table back as schema version 10 had it.
        world.Database.ExecuteRaw("DROP INDEX records_batch; ALTER TABLE records ADD PRIMARY KEY (batch_id, idx); DELETE FROM schema_version WHERE version = 11");
        var before = Rows(world.Database, $"SELECT {Columns} FROM records ORDER BY batch_id, idx");
        Assert.Contains("records_pkey", Indexes(world.Database));

        world.Database.Store.Migrate();

        Assert.Equal(["records_accepted_key", "records_batch", "records_held", "records_held_key"], Indexes(world.Database));
        Assert.Equal("brin", Rows(world.Database, "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'records_batch'").Single());
        var after = Rows(world.Database, $"SELECT {Columns} FROM records ORDER BY batch_id, idx");
        Assert.Equal(7, after.Count);
        Assert.Equal(before, after);
        Assert.Equal(((long)ReasonCode.DuplicateRecord).ToString(System.Globalization.CultureInfo.InvariantCulture), Rows(world.Database, "SELECT reason FROM records WHERE batch_id = 2 AND idx = 0").Single());
        Assert.True(world.Database.Store.Read(r => r.Audit()).Ok);
        // The key guard is still the database's: a second accepted record of a stored key is refused.
        Assert.Throws<PostgresException>(() => world.Database.ExecuteRaw($"INSERT INTO records ({Columns}) SELECT batch_id, idx + 100, asn, counter_kind, counter, order_time, kind, reason, outcome, amount_fen, balance_before_fen, balance_after_fen, party_id, full_fare_fen, subsidy_fen, commission_fen, commission_bps, raw FROM records WHERE batch_id = 1 AND idx = 0"));
        var next = world.Ingest(BusDevice, 3, card.Purchase(100, BusTerminal, BusCompany, At(9)));
        Assert.Equal(1, next.Receipt.Totals.Accepted);
        PipelineTests.AssertAuditOk(world);
    }

    [Fact]
    public void RecordAtBatchAndPosition_CanBeFoundThroughTheBrinIndex()
    {
        using var world = new World(TestDatabase.Create("postgres", server));
        var card = world.SellCard(50_000);
        world.Ingest(BusDevice, 1, card.Purchase(100, BusTerminal, BusCompany, At(8)), card.Purchase(100, BusTerminal, BusCompany, At(8, 1)));

        // A test table is tiny, so the planner is told not to read it whole; what is checked is that the index serves the query.
        var plan = Rows(world.Database, "SET enable_seqscan = off; EXPLAIN SELECT raw FROM records WHERE batch_id = 1 AND idx = 1");

        Assert.Contains(plan, line => line.Contains("Bitmap Index Scan on records_batch", StringComparison.Ordinal));
    }

    [Fact]
    public void BinaryCopyRows_ExtremeValuesAcrossManyBufferFlushes_ReadBackExactly()
    {
        using var database = TestDatabase.Create("postgres", server);
        using var connection = Connect(database);
        Execute(connection, "CREATE TABLE copy_test (n BIGINT NOT NULL, m BIGINT NOT NULL, bytes BYTEA NOT NULL)");
        var values = new List<(long N, long M, byte[] Bytes)>();
        for (var i = 0; i < 3_000; i++)
        {
            // Row widths from 30 to 2,029 bytes, so rows end at every offset of the 64 KiB buffer and some straddle a flush.
            var bytes = Enumerable.Range(0, (i * 37) % 2_000).Select(b => unchecked((byte)(b ^ i))).ToArray();
            values.Add((i % 3 == 0 ? long.MinValue + i : long.MaxValue - i, -i, bytes));
        }

        using (var rows = new BinaryCopyRows(connection, "COPY copy_test (n, m, bytes) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (n, m, bytes) in values)
            {
                rows.StartRow(3, 24 + 4 + bytes.Length);
                rows.Write(n);
                rows.Write(m);
                rows.Write(bytes);
            }

            rows.Complete();
        }

        using var command = new NpgsqlCommand("SELECT n, m, bytes FROM copy_test ORDER BY m DESC", connection);
        using var reader = command.ExecuteReader();
        var read = new List<(long N, long M, byte[] Bytes)>();
        while (reader.Read())
        {
            read.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
        }

        Assert.Equal(values.Count, read.Count);
        for (var i = 0; i < values.Count; i++)
        {
            Assert.Equal(values[i].N, read[i].N);
            Assert.Equal(values[i].M, read[i].M);
            Assert.Equal(values[i].Bytes, read[i].Bytes);
        }
    }

    [Fact]
    public void BinaryCopyRows_DisposedWithoutComplete_StoresNothing_AndTheConnectionGoesOn()
    {
        using var database = TestDatabase.Create("postgres", server);
        using var connection = Connect(database);
        Execute(connection, "CREATE TABLE copy_test (n BIGINT NOT NULL)");

        using (var rows = new BinaryCopyRows(connection, "COPY copy_test (n) FROM STDIN (FORMAT BINARY)"))
        {
            // More than a buffer's worth, so some rows have already reached the server.
            for (var i = 0; i < 10_000; i++)
            {
                rows.StartRow(1, 12);
                rows.Write(i);
            }
        }

        using var count = new NpgsqlCommand("SELECT COUNT(*) FROM copy_test", connection);
        Assert.Equal(0L, (long)count.ExecuteScalar()!);
    }

    [Fact]
    public void BinaryCopyRows_RowLargerThanTheBuffer_RefusedNamingIt()
    {
        using var database = TestDatabase.Create("postgres", server);
        using var connection = Connect(database);
        Execute(connection, "CREATE TABLE copy_test (bytes BYTEA NOT NULL)");
        using var rows = new BinaryCopyRows(connection, "COPY copy_test (bytes) FROM STDIN (FORMAT BINARY)");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => rows.StartRow(1, 100_000));

        Assert.Contains("larger than the buffer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CardUpdate_SeventyCardsInNoOrder_StoredExactly_AndItsJoinSettingsEndWithTheStatement()
    {
        using var world = new World(TestDatabase.Create("postgres", server));
        var asns = Enumerable.Range(0, 70).Select(i => world.SellCard(1_000 + i).Asn).ToList();
        string[] settings = [];

        world.Database.Store.Write(w =>
        {
            var session = (CityCard.Storage.Sql.SqlSession)w;
            var loaded = session.LoadCards(asns);
            // Newest card first, so the rows arrive out of card order.
            var changed = asns.AsEnumerable().Reverse().Select((asn, i) => loaded[asn] with { ShadowBalanceFen = loaded[asn].ShadowBalanceFen - 7 - i }).ToList();
            session.Dialect.UpdateCards(session, changed);
            settings = [.. session.Query("SELECT current_setting('enable_hashjoin') || current_setting('enable_mergejoin')", r => r.GetString(0))];
            return 0;
        });

        Assert.Equal(["onon"], settings);
        for (var i = 0; i < asns.Count; i++)
        {
            // Sold with 1,000 + i fen; updated in reverse order, so card i lost 7 + (69 - i).
            Assert.Equal(1_000 + i - 7 - (69 - i), world.Database.Store.Read(r => r.FindCard(asns[i]))!.ShadowBalanceFen);
        }
    }

    private static NpgsqlConnection Connect(TestDatabase database)
    {
        var connection = new NpgsqlConnection(DatabaseUrl.Parse(database.Url).ConnectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static List<string> Indexes(TestDatabase database) =>
        Rows(database, "SELECT indexname FROM pg_indexes WHERE tablename = 'records' ORDER BY indexname");

    // Every column of every row as text, bytes in hex, so rows compare as strings.
    private static List<string> Rows(TestDatabase database, string sql)
    {
        using var connection = Connect(database);
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : reader.GetValue(i) is byte[] b ? Convert.ToHexString(b) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }
}
