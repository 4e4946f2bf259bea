using System.Diagnostics;
using System.Globalization;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Verification;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace CityCard.Bench;

/// <summary>
/// Clearing end to end (issue 5 §6): batch file bytes → file MAC → TAC → duplicate and counter checks → balance chain →
/// ledger → committed, over a fresh database; in the same run the raw TAC verification rate and the raw insert rate into
/// a table with a unique index on the same engine, and the ratios. Options: <c>--db=sqlite:PATH|postgresql://…</c>
/// (default a temporary SQLite file; a PostgreSQL database must be empty), <c>--records=N</c> (default 200,000).
/// </summary>
internal static class ClearingBench
{
    private const int RecordsPerBatch = 50_000;
    private const int Cards = 2_000;
    private static readonly TerminalId Terminal = new(0x0000_0001_0001);
    private static readonly DateTimeOffset Closed = new(2026, 11, 20, 14, 0, 0, TimeSpan.Zero);

    public static int Run(TextWriter output, IReadOnlyList<string> args)
    {
        var records = int.Parse(Option(args, "--records=") ?? "200000", CultureInfo.InvariantCulture);
        var temporary = Option(args, "--db=") is null ? Directory.CreateTempSubdirectory("citycard-bench-").FullName : null;
        var url = Option(args, "--db=") ?? "sqlite:" + Path.Combine(temporary!, "bench.db");
        try
        {
            var database = DatabaseUrl.Parse(url, "--db");
            var (files, allRecords) = MakeBatches(records);
            var endToEnd = EndToEnd(database, files, records);
            var tac = RawTac(allRecords);
            var insert = RawInsert(database, records);
            output.WriteLine($"{database.Kind}, {records:N0} records in {files.Count} batches of up to {RecordsPerBatch:N0}, {Cards:N0} cards (one core does the work)");
            output.WriteLine("| Measure | Rate | vs raw TAC | vs raw insert |");
            output.WriteLine("|---|---:|---:|---:|");
            output.WriteLine($"| end to end: bytes → verified → deduplicated → chained → posted → committed | {Measure.Rate(endToEnd)} | {Measure.Ratio(endToEnd / tac)} | {Measure.Ratio(endToEnd / insert)} |");
            output.WriteLine($"| raw TAC verification (cached card keys) | {Measure.Rate(tac)} | 1.00 | {Measure.Ratio(tac / insert)} |");
            output.WriteLine($"| raw insert into a table with a unique index | {Measure.Rate(insert)} | {Measure.Ratio(insert / tac)} | 1.00 |");
            return 0;
        }
        finally
        {
            if (temporary is not null)
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    private static string? Option(IReadOnlyList<string> args, string prefix) =>
        args.FirstOrDefault(a => a.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];

    private static (List<byte[]> Files, List<TransactionRecord> Records) MakeBatches(int count)
    {
        var keySet = DemoKeySet.Create(EpAlgorithm.Des);
        var tacKeys = Enumerable.Range(0, Cards).Select(c => keySet.DeriveCardKeys(DemoKeySet.HomeCity, CardAsn(c)).TacKey).ToArray();
        var balances = Enumerable.Repeat(100_000_000L, Cards).ToArray();
        var counters = new ushort[Cards];
        var all = new List<TransactionRecord>(count);
        var files = new List<byte[]>();
        var uploadKey = UploadKeys.Derive(keySet, 42);
        for (var i = 0; i < count; i++)
        {
            var card = i % Cards;
            var record = new TransactionRecord
            {
                Kind = RecordKind.Purchase,
                CityCode = DemoKeySet.HomeCity,
                Asn = CardAsn(card),
                CardType = 1,
                Counter = counters[card]++,
                BalanceBeforeFen = balances[card],
                AmountFen = 200,
                Terminal = Terminal,
                Ttsn = (uint)i,
                DateTime = new BcdDateTime(new DateTime(2026, 11, 20, 5, 0, 0).AddSeconds(i / 20)),
                KeyVersion = DemoKeySet.KeyVersion,
                Algorithm = EpAlgorithm.Des,
                FullFareFen = 200,
                MerchantId = 9,
            };
            balances[card] -= 200;
            all.Add(record with { Tac = record.ComputeTac(tacKeys[card]) });
        }

        for (var start = 0; start < count; start += RecordsPerBatch)
        {
            var header = new BatchHeader { DeviceKind = DeviceKind.BusValidator, DeviceId = 42, PsamTerminal = Terminal, BatchNumber = (uint)files.Count + 1, CreatedUtc = Closed, OperatorId = 9 };
            files.Add(BatchCodec.Write(header, all.GetRange(start, Math.Min(RecordsPerBatch, count - start)), uploadKey));
        }

        return (files, all);
    }

    private static Asn CardAsn(int card) => new(0x2144_0000_0000_0000UL + (ulong)card + 1);

    private static double EndToEnd(DatabaseUrl url, List<byte[]> files, int count)
    {
        using var store = ClearingStores.Open(url, migrate: true);
        var registry = new CentreRegistry(store, TimeProvider.System);
        registry.AddMerchant(9, "Bench Bus", "transport", 300);
        registry.AddMerchant(12, "Bench Outlet", "outlet", 0);
        registry.AddDevice(42, DeviceKind.BusValidator, 9, Terminal);
        for (var card = 0; card < Cards; card++)
        {
            registry.SellCard(CardAsn(card), DemoKeySet.HomeCity, 1, 0, 100_000_000, 0, 0, 12);
        }

        var clearing = new ClearingService(store, DemoKeySet.Create(EpAlgorithm.Des), TacKeyRing.Demo(), TimeProvider.System);
        var watch = Stopwatch.StartNew();
        var accepted = 0;
        foreach (var file in files)
        {
            accepted += clearing.Ingest(file).Receipt.Totals.Accepted;
        }

        var rate = count / watch.Elapsed.TotalSeconds;
        if (accepted != count || !store.Read(r => r.Audit()).Ok)
        {
            throw new InvalidOperationException($"bench: {accepted} of {count} records accepted, or the audit failed");
        }

        return rate;
    }

    private static double RawTac(List<TransactionRecord> records)
    {
        var ring = TacKeyRing.Demo();
        return Measure.OpsPerSecond(
            n =>
            {
                long ok = 0;
                for (var i = 0; i < n; i++)
                {
                    var record = records[i % records.Count];
                    var key = ring.CardTacKey(record.Algorithm, record.KeyVersion, record.CityCode, record.Asn)!;
                    ok += record.ComputeTac(key) == record.Tac ? 1 : 0;
                }

                return ok;
            },
            Math.Min(records.Count, 100_000),
            1.0);
    }

    private static double RawInsert(DatabaseUrl url, int count)
    {
        var payload = new byte[80];
        if (url.Kind == DatabaseKind.Sqlite)
        {
            using var connection = new SqliteConnection(url.ConnectionString);
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw (asn BIGINT NOT NULL, counter BIGINT NOT NULL, amount BIGINT NOT NULL, raw BLOB NOT NULL, UNIQUE (asn, counter))");
            var watch = Stopwatch.StartNew();
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO bench_raw (asn, counter, amount, raw) VALUES ($asn, $counter, $amount, $raw)";
            var asn = insert.Parameters.Add("$asn", SqliteType.Integer);
            var counter = insert.Parameters.Add("$counter", SqliteType.Integer);
            var amount = insert.Parameters.Add("$amount", SqliteType.Integer);
            var raw = insert.Parameters.Add("$raw", SqliteType.Blob);
            insert.Prepare();
            for (var i = 0; i < count; i++)
            {
                asn.Value = (long)(i % Cards);
                counter.Value = (long)(i / Cards);
                amount.Value = 200L;
                raw.Value = payload;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
            var rate = count / watch.Elapsed.TotalSeconds;
            Execute(connection, "DROP TABLE bench_raw");
            return rate;
        }

        using var pg = new NpgsqlConnection(url.ConnectionString);
        pg.Open();
        using (var create = new NpgsqlCommand("DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw (asn BIGINT NOT NULL, counter BIGINT NOT NULL, amount BIGINT NOT NULL, raw BYTEA NOT NULL, UNIQUE (asn, counter))", pg))
        {
            create.ExecuteNonQuery();
        }

        var copyWatch = Stopwatch.StartNew();
        using (var pgTransaction = pg.BeginTransaction())
        {
            using (var writer = pg.BeginBinaryImport("COPY bench_raw (asn, counter, amount, raw) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < count; i++)
                {
                    writer.StartRow();
                    writer.Write((long)(i % Cards), NpgsqlDbType.Bigint);
                    writer.Write((long)(i / Cards), NpgsqlDbType.Bigint);
                    writer.Write(200L, NpgsqlDbType.Bigint);
                    writer.Write(payload, NpgsqlDbType.Bytea);
                }

                writer.Complete();
            }

            pgTransaction.Commit();
        }

        var copyRate = count / copyWatch.Elapsed.TotalSeconds;
        using (var drop = new NpgsqlCommand("DROP TABLE bench_raw", pg))
        {
            drop.ExecuteNonQuery();
        }

        return copyRate;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
