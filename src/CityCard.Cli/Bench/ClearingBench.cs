using System.Diagnostics;
using System.Globalization;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
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

/// <summary>What <see cref="ClearingBench"/> measures against.</summary>
/// <param name="Target"><c>sqlite</c> (a temporary file), <c>postgres</c> (a throwaway cluster), or a database URL (an empty database).</param>
/// <param name="Records">Purchase records to clear.</param>
/// <param name="Cards">Cards they are spread over (round robin).</param>
/// <param name="Runs">Repetitions, each on a fresh database (1 when a URL is given).</param>
internal sealed record ClearingBenchOptions(string Target, int Records, int Cards, int Runs)
{
    public const int DefaultRecords = 200_000;
    public const int DefaultCards = 2_000;

    /// <summary>A day of a Beijing-sized card scheme (issue 5 §6).</summary>
    public const int BigDay = 20_000_000;
}

/// <summary>
/// Clearing end to end (issue 5 §6): batch file bytes → file MAC → TAC → duplicate and counter checks → balance chain →
/// ledger → committed, over a fresh database whose cards were sold and settled the day before, then the day settled (which
/// audits every invariant of what the day changed); and in the same run
/// the read-and-verify rate on all cores, the raw single-core TAC rate and the raw insert rate into a table with a unique
/// index on the same engine, with the ratios. Used by <c>citycard bench clearing</c> and by the bench project.
/// </summary>
internal static class ClearingBench
{
    private const int RecordsPerBatch = 50_000;
    private const int MaxRawInsert = 1_000_000;
    private static readonly TerminalId Terminal = new(0x0000_0001_0001);
    private static readonly DateTimeOffset Closed = new(2026, 11, 20, 14, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly BusinessDay = new(2026, 11, 20);

    public static int Run(TextWriter output, ClearingBenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        var given = options.Target is "sqlite" or "postgres" ? null : DatabaseUrl.Parse(options.Target, "--db");
        using var cluster = options.Target == "postgres" ? ThrowawayPostgres.Start() : null;
        var kind = given?.Kind ?? (cluster is null ? DatabaseKind.Sqlite : DatabaseKind.PostgreSql);
        var loadBefore = LoadAverage();
        var made = Stopwatch.StartNew();
        var workload = Workload.Make(options.Records, options.Cards);
        output.WriteLine(FormattableString.Invariant(
            $"{(kind == DatabaseKind.Sqlite ? (ClearingStores.SqliteMultiThreaded ? "SQLite (WAL, synchronous=NORMAL, multi-thread mode)" : "SQLite (WAL, synchronous=NORMAL, serialized mode)") : cluster?.Version ?? "PostgreSQL")}: {options.Records:N0} purchase records of {options.Cards:N0} cards in {workload.Files.Count:N0} batches of up to {RecordsPerBatch:N0} (signed in {made.Elapsed.TotalSeconds:0.0} s); {Environment.ProcessorCount} cores, load average {loadBefore} before"));
        output.WriteLine("Rates are wall clock; CPU is µs per record used by this process (plus the PostgreSQL server's processes when the benchmark started them), which depends far less on other load.");
        output.WriteLine("| Run | End to end | CPU | GC pauses (gen2 collections) | Read + verify (all cores) | Raw TAC (1 core) | Raw insert, unique index | CPU | End to end / raw insert | CPU raw insert / end to end | End to end / raw TAC | Settle + audit | Server's share of end-to-end CPU |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        WarmUp(kind, cluster, workload);
        var best = (Rate: 0.0, Settle: TimeSpan.Zero);
        for (var run = 1; run <= options.Runs; run++)
        {
            var temporary = given is null && cluster is null ? Directory.CreateTempSubdirectory("citycard-bench-").FullName : null;
            try
            {
                var url = given ?? DatabaseUrl.Parse(temporary is not null ? "sqlite:" + Path.Combine(temporary, "bench.db") : cluster!.CreateDatabase(), "--db");
                var cpu = new CpuMeter(cluster);
                var (endToEnd, settle) = EndToEnd(url, workload, cpu);
                var endToEndCpu = cpu.PerRecord(workload.Records);
                var collector = FormattableString.Invariant($"{cpu.GcPause.TotalSeconds:0.00} s ({cpu.Gen2Collections})");
                var serverShare = cpu.ServerShare is { } share ? FormattableString.Invariant($"{share:0.00}") : "–";
                var verify = ReadAndVerify(workload);
                var tac = RawTac(workload.Sample);
                var inserted = Math.Min(options.Records, MaxRawInsert);
                cpu.Start();
                var insert = RawInsert(url, inserted, options.Cards);
                cpu.Stop();
                var insertCpu = cpu.PerRecord(inserted);
                output.WriteLine(FormattableString.Invariant(
                    $"| {run} | {Measure.Rate(endToEnd)} | {endToEndCpu:0.0} µs | {collector} | {Measure.Rate(verify)} | {Measure.Rate(tac)} | {Measure.Rate(insert)} | {insertCpu:0.0} µs | {Measure.Ratio(endToEnd / insert)} | {Measure.Ratio(insertCpu / endToEndCpu)} | {Measure.Ratio(endToEnd / tac)} | {settle.TotalSeconds:0.00} s | {serverShare} |"));
                if (endToEnd > best.Rate)
                {
                    best = (endToEnd, settle);
                }
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

        output.WriteLine(FormattableString.Invariant($"load average after: {LoadAverage()}"));
        var clearing = options.Records / best.Rate;
        if (options.Records >= ClearingBenchOptions.BigDay)
        {
            output.WriteLine(FormattableString.Invariant(
                $"{options.Records:N0}-record day (best run, measured): cleared in {clearing:0} s, settled and audited in {best.Settle.TotalSeconds:0} s, {clearing + best.Settle.TotalSeconds:0} s in all (target: under 180 s)"));
        }
        else
        {
            var scale = (double)ClearingBenchOptions.BigDay / options.Records;
            var bigClearing = ClearingBenchOptions.BigDay / best.Rate;
            var bigSettle = best.Settle.TotalSeconds * scale;
            output.WriteLine(FormattableString.Invariant(
                $"{ClearingBenchOptions.BigDay:N0}-record day, EXTRAPOLATED linearly from this run (not measured): clearing {bigClearing:0} s + settle and audit {bigSettle:0} s = {bigClearing + bigSettle:0} s (target: under 180 s)"));
        }

        return 0;
    }

    // The first two batches cleared once into a database that is then dropped, so that the measured runs see compiled
    // code (a centre is a long-running process) rather than the JIT compiling the pipeline.
    private static void WarmUp(DatabaseKind kind, ThrowawayPostgres? cluster, Workload workload)
    {
        // Only the cards those records use are registered.
        var warmUp = workload with { Files = workload.Files.Take(2).ToList(), Records = Math.Min(workload.Records, 2 * RecordsPerBatch), Cards = Math.Min(workload.Cards, 2 * RecordsPerBatch) };
        if (kind == DatabaseKind.PostgreSql && cluster is not null)
        {
            EndToEnd(DatabaseUrl.Parse(cluster.CreateDatabase(), "--db"), warmUp, new CpuMeter(null));
            return;
        }

        var temporary = Directory.CreateTempSubdirectory("citycard-bench-warm-up-").FullName;
        try
        {
            EndToEnd(DatabaseUrl.Parse("sqlite:" + Path.Combine(temporary, "warm-up.db"), "--db"), warmUp, new CpuMeter(null));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(temporary, recursive: true);
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static (double Rate, TimeSpan Settle) EndToEnd(DatabaseUrl url, Workload workload, CpuMeter cpu)
    {
        using var store = ClearingStores.Open(url, migrate: true);
        var registry = new CentreRegistry(store, TimeProvider.System);
        registry.AddMerchant(9, "Bench Bus", "transport", 300);
        registry.AddMerchant(12, "Bench Outlet", "outlet", 0);
        registry.AddDevice(42, DeviceKind.BusValidator, 9, Terminal);
        for (var start = 0; start < workload.Cards; start += 100_000)
        {
            var sales = Enumerable.Range(start, Math.Min(100_000, workload.Cards - start))
                .Select(c => new CardSale(CardAsn(c), DemoKeySet.HomeCity, 1, 0, Workload.OpeningBalanceFen, 0, 0, 12))
                .ToList();
            registry.SellCards(sales);
        }

        // The cards were sold before the day, as a city's cards are: their sales are settled, and audited, with the day
        // before (not timed), so the day's settlement audits the day's postings and the cards used that day. (Until the
        // tenth round the measured settlement also audited the sale of every card.)
        var (sold, _) = new SettlementService(store, TimeProvider.System).Settle(BusinessDay.AddDays(-1));
        if (!sold.Reconciled)
        {
            throw new InvalidOperationException($"bench: the settlement of the card sales found differences: {string.Join("; ", sold.Differences.Take(5))}");
        }

        // A fresh key ring: the card keys are derived on first use, as in a centre that has just started.
        var clearing = new ClearingService(store, DemoKeySet.Create(EpAlgorithm.Des), TacKeyRing.Demo(), TimeProvider.System);
        cpu.Start();
        var watch = Stopwatch.StartNew();
        var accepted = 0L;
        foreach (var result in clearing.IngestAll(workload.Files, ClearingService.BulkFilesPerTransaction))
        {
            accepted += result.Receipt.Totals.Accepted;
        }

        var rate = workload.Records / watch.Elapsed.TotalSeconds;
        cpu.Stop();
        if (accepted != workload.Records)
        {
            throw new InvalidOperationException($"bench: {accepted} of {workload.Records} records accepted");
        }

        watch.Restart();
        var (report, _) = new SettlementService(store, TimeProvider.System).Settle(BusinessDay);
        var settle = watch.Elapsed;
        if (!report.Reconciled)
        {
            throw new InvalidOperationException($"bench: the settlement found differences: {string.Join("; ", report.Differences.Take(5))}");
        }

        return (rate, settle);
    }

    // What the pipeline does before it takes the write lock, on every core: file MAC, record decoding, TACs.
    private static double ReadAndVerify(Workload workload)
    {
        var uploadKey = UploadKeys.Derive(DemoKeySet.Create(EpAlgorithm.Des), 42);
        var watch = Stopwatch.StartNew();
        long ok = 0;
        foreach (var file in workload.Files)
        {
            var records = BatchCodec.ReadParallel(file, uploadKey).Records;
            Parallel.For(0, (records.Count + 2_047) / 2_048, () => 0L, (chunk, _, count) =>
            {
                for (var i = chunk * 2_048; i < Math.Min(records.Count, (chunk + 1) * 2_048); i++)
                {
                    var record = records[i];
                    count += workload.Ring.VerifyTac(record) == true ? 1 : 0;
                }

                return count;
            }, count => Interlocked.Add(ref ok, count));
        }

        if (ok != workload.Records)
        {
            throw new InvalidOperationException($"bench: {ok} of {workload.Records} TACs verified");
        }

        return workload.Records / watch.Elapsed.TotalSeconds;
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
                    ok += ring.VerifyTac(record) == true ? 1 : 0;
                }

                return ok;
            },
            Math.Min(records.Count, 100_000),
            1.0);
    }

    private static double RawInsert(DatabaseUrl url, int count, int cards)
    {
        var payload = new byte[80];
        if (url.Kind == DatabaseKind.Sqlite)
        {
            using var connection = new SqliteConnection(url.ConnectionString);
            connection.Open();
            // The connection may come from the store's pool, where auto-checkpoint is off (its thread checkpoints): the raw
            // insert checkpoints as it did before, every 2,048 pages on the inserting thread.
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 2048; DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw (asn BIGINT NOT NULL, counter BIGINT NOT NULL, amount BIGINT NOT NULL, raw BLOB NOT NULL, UNIQUE (asn, counter))");
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
                asn.Value = (long)(i % cards);
                counter.Value = (long)(i / cards);
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
                    writer.Write((long)(i % cards), NpgsqlDbType.Bigint);
                    writer.Write((long)(i / cards), NpgsqlDbType.Bigint);
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

    // CPU time of this process and of a cluster the benchmark started, between Start and Stop.
    private sealed class CpuMeter(ThrowawayPostgres? cluster)
    {
        private TimeSpan started;
        private TimeSpan startedServer;
        private TimeSpan used;
        private TimeSpan usedServer;
        private TimeSpan pausedBefore;
        private int gen2Before;

        // The server processes' part of the CPU between Start and Stop, or null when no cluster was started.
        public double? ServerShare => cluster is null || used <= TimeSpan.Zero ? null : usedServer / used;

        // How long this process's threads stood still for the garbage collector between Start and Stop (every
        // collection blocks: the tool runs the non-concurrent GC), and how many of those collections were full ones.
        public TimeSpan GcPause { get; private set; }

        public int Gen2Collections { get; private set; }

        public void Start()
        {
            (pausedBefore, gen2Before) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
            (started, startedServer) = Now();
        }

        public void Stop()
        {
            var (now, server) = Now();
            used = now - started;
            usedServer = server - startedServer;
            GcPause = GC.GetTotalPauseDuration() - pausedBefore;
            Gen2Collections = GC.CollectionCount(2) - gen2Before;
        }

        public double PerRecord(int records) => used.TotalMilliseconds * 1_000 / records;

        // (this process and the cluster, the cluster alone)
        private (TimeSpan All, TimeSpan Server) Now()
        {
            using var self = Process.GetCurrentProcess();
            var server = cluster?.CpuTime() ?? TimeSpan.Zero;
            return (self.TotalProcessorTime + server, server);
        }
    }

    private static Asn CardAsn(int card) => new(0x2144_0000_0000_0000UL + (ulong)card + 1);

    // The signed batch files (kept) and the first records (for the raw TAC rate). Records go round robin over the cards,
    // each card's counter and balance moving on; times spread over 05:00–22:00 of the business day.
    private sealed record Workload(List<byte[]> Files, List<TransactionRecord> Sample, int Records, int Cards, TacKeyRing Ring)
    {
        public const long OpeningBalanceFen = 100_000_000;

        public static Workload Make(int count, int cards)
        {
            var keySet = DemoKeySet.Create(EpAlgorithm.Des);
            var ring = TacKeyRing.Demo();
            var uploadKey = UploadKeys.Derive(keySet, 42);
            var files = new List<byte[]>();
            var sample = new List<TransactionRecord>();
            var start = new DateTime(2026, 11, 20, 5, 0, 0);
            for (var first = 0; first < count; first += RecordsPerBatch)
            {
                var batch = new TransactionRecord[Math.Min(RecordsPerBatch, count - first)];
                Parallel.For(0, batch.Length, j =>
                {
                    var i = first + j;
                    var card = i % cards;
                    var counter = (ushort)(i / cards);
                    var record = new TransactionRecord
                    {
                        Kind = RecordKind.Purchase,
                        CityCode = DemoKeySet.HomeCity,
                        Asn = CardAsn(card),
                        CardType = 1,
                        Counter = counter,
                        BalanceBeforeFen = OpeningBalanceFen - (200L * counter),
                        AmountFen = 200,
                        Terminal = Terminal,
                        Ttsn = (uint)i,
                        DateTime = new BcdDateTime(start.AddSeconds((long)i * 61_200 / count)),
                        KeyVersion = DemoKeySet.KeyVersion,
                        Algorithm = EpAlgorithm.Des,
                        FullFareFen = 200,
                        MerchantId = 9,
                    };
                    batch[j] = record with { Tac = record.ComputeTac(ring.CardTacKey(record.Algorithm, record.KeyVersion, record.CityCode, record.Asn)!) };
                });
                if (sample.Count < 100_000)
                {
                    sample.AddRange(batch.Take(100_000 - sample.Count));
                }

                var header = new BatchHeader { DeviceKind = DeviceKind.BusValidator, DeviceId = 42, PsamTerminal = Terminal, BatchNumber = (uint)files.Count + 1, CreatedUtc = Closed, OperatorId = 9 };
                files.Add(BatchCodec.Write(header, batch, uploadKey));
            }

            return new Workload(files, sample, count, cards, ring);
        }
    }
}
