using System.Data.Common;
using CityCard.Clearing.Ledger;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Verification;
using CityCard.Security.Ep;
using CityCard.Storage.Sql;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CityCard.Storage.Sqlite;

/// <summary>
/// SQLite: WAL journal (readers never block the writer), synchronous NORMAL (a committed transaction survives a process
/// crash), foreign keys on, and <c>BEGIN IMMEDIATE</c> as the database-wide write lock (waiting up to the busy timeout).
/// For throughput: 16 KiB pages for a new database (an existing one keeps its page size), a 128 MiB page cache per
/// connection (a batch's index pages stay cached instead of spilling mid-transaction), and WAL checkpoints taken off the
/// writer: SQLite's auto-checkpoint is off on the store's connections and a background thread checkpoints on its own
/// connection (<see cref="WalCheckpointer"/>; durability is the same). The WAL file is cut back to 64 MiB when it restarts.
/// </summary>
internal sealed partial class SqliteDialect : SqlDialect, IDisposable
{
    private const string Pragmas = "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 60000; PRAGMA cache_size = -131072; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;";

    private readonly string connectionString;
    private readonly WalCheckpointer checkpointer;

    // Before the first connection of the process opens (SQLite accepts these only before it initialises): connections
    // without their own mutex, and no memory statistics. In SQLite's default (serialized) mode every call — each bound
    // value of each record, 40 or so a record on the writer's thread — locks and unlocks the connection's mutex, and every
    // allocation the statistics' global one. The store never uses one connection on two threads at once (a session is
    // one thread's at a time; TransactionGroup hands its connection between threads only after the other is done with it;
    // the settlement's concurrent recount and the checkpointer open connections of their own), which is what SQLite's
    // multi-thread mode asks. If a connection was opened first (by code outside the store), SQLite keeps its defaults.
    static SqliteDialect()
    {
        Batteries_V2.Init();
        LibraryConfigured = raw.sqlite3_config(raw.SQLITE_CONFIG_MULTITHREAD) == raw.SQLITE_OK
            & raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0) == raw.SQLITE_OK;
    }

    /// <summary>Whether this process runs SQLite in multi-thread mode without memory statistics (tests look at it).</summary>
    internal static bool LibraryConfigured { get; }

    public SqliteDialect(string connectionString, int checkpointPages = WalCheckpointer.PassivePages)
    {
        this.connectionString = connectionString;
        checkpointer = new WalCheckpointer(connectionString, Configure, checkpointPages);
    }

    /// <summary>The background checkpointer (tests look at it).</summary>
    internal WalCheckpointer Checkpointer => checkpointer;

    private const int RecordColumnCount = 18;
    private const int RowsPerInsert = 32;

    public override DatabaseKind Kind => DatabaseKind.Sqlite;

    public override string BlobType => "BLOB";

    public override bool MigratesOnOpen => true;

    public override DbConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        Configure(connection);
        return connection;
    }

    public override void Committed(DbConnection connection) => checkpointer.Committed((SqliteConnection)connection);

    public void Dispose() => checkpointer.Dispose();

    private static void Configure(SqliteConnection connection)
    {
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = Pragmas;
        pragmas.ExecuteNonQuery();
    }

    public override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public override DbTransaction BeginRead(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    // SQLite cannot hold its write lock across a commit, so another connection may take it in the gap. PRAGMA data_version
    // changes, on this connection, exactly when another connection committed: the same value before the commit and after
    // the next BEGIN IMMEDIATE (which holds the write lock again) means nobody did.
    public override bool CommitAndBegin(SqlSession session, Action? between)
    {
        var before = DataVersion(session);
        base.CommitAndBegin(session, between);
        return DataVersion(session) == before;
    }

    private static long DataVersion(SqlSession session) => session.Scalar("PRAGMA data_version");

    // The hot path: native prepared statements bound column by column, on the session's connection and inside its
    // transaction (ADO.NET's per-parameter boxing and binding cost more than SQLite's own insert). Rows go in groups of
    // RowsPerInsert per statement, which saves most of the per-statement step and reset work; the rest one by one.
    public override void InsertRecords(SqlSession session, long batchId, IReadOnlyList<ClearedRecord> records)
    {
        var handle = ((SqliteConnection)session.Connection).Handle!;
        var groups = records.Count / RowsPerInsert;
        var next = 0;
        if (groups > 0)
        {
            using var many = Prepare(handle, RowsPerInsert);
            var pointer = SqliteNative.Pointer(many);
            for (var group = 0; group < groups; group++)
            {
                for (var row = 0; row < RowsPerInsert; row++)
                {
                    BindRecord(handle, pointer, row * RecordColumnCount, batchId, records[next++]);
                }

                Step(handle, many);
            }
        }

        if (next < records.Count)
        {
            using var one = Prepare(handle, 1);
            var pointer = SqliteNative.Pointer(one);
            while (next < records.Count)
            {
                BindRecord(handle, pointer, 0, batchId, records[next++]);
                Step(handle, one);
            }
        }
    }

    // The settlement's recount. SQLite groups by sorting when the GROUP BY is not the order it reads in, and the records are
    // clustered by batch and then card key: so the rows are read in that order by native calls and summed here, a batch
    // at a time (with the earlier fourteen conditional sums per row in SQL, settling 20,000,000 records took 26 s; with this, 13 s).
    // Correct in any order: lines of the same key are added up by whoever reads them.
    public override List<RecordLine> RecordLines(SqlSession session, string where, (string Name, object? Value)[] parameters)
    {
        var lines = new List<RecordLine>();
        var sums = new Dictionary<(long Party, long Bps, long Outcome, long Kind), long[]>();
        var batch = 0L;
        void Flush()
        {
            foreach (var (key, sum) in sums)
            {
                lines.Add(new RecordLine(batch, new BatchTotal(key.Party, key.Bps, key.Outcome, key.Kind, sum[0], sum[1], sum[2], sum[3], sum[4]), sum[5]));
            }

            sums.Clear();
        }

        var handle = ((SqliteConnection)session.Connection).Handle!;
        var sql = $"SELECT r.batch_id, r.party_id, r.commission_bps, r.outcome, r.kind, r.amount_fen, r.full_fare_fen, r.subsidy_fen, r.commission_fen, r.reason FROM batches b JOIN records r ON r.batch_id = b.batch_id {where}";
        Check(handle, raw.sqlite3_prepare_v2(handle, sql, out var statement));
        using (statement)
        {
            var r = SqliteNative.Pointer(statement);
            foreach (var (name, value) in parameters)
            {
                var index = raw.sqlite3_bind_parameter_index(statement, name);
                Check(handle, value switch
                {
                    _ when index == 0 => throw new ArgumentException($"the recount's query has no parameter {name}", nameof(parameters)),
                    null => SqliteNative.BindNull(r, index),
                    long or int or uint => SqliteNative.BindInt64(r, index, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
                    _ => throw new ArgumentException($"the recount's parameter {name} is a {value.GetType().Name}, not an integer", nameof(parameters)),
                });
            }

            int step;
            while ((step = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                var id = SqliteNative.ColumnInt64(r, 0);
                if (id != batch)
                {
                    Flush();
                    batch = id;
                }

                var outcome = SqliteNative.ColumnInt64(r, 3);
                var key = (SqliteNative.ColumnInt64(r, 1), SqliteNative.ColumnInt64(r, 2), outcome, SqliteNative.ColumnInt64(r, 4));
                if (!sums.TryGetValue(key, out var sum))
                {
                    sums[key] = sum = new long[6];
                }

                sum[0]++;
                sum[1] = checked(sum[1] + SqliteNative.ColumnInt64(r, 5));
                sum[2] = checked(sum[2] + SqliteNative.ColumnInt64(r, 6));
                sum[3] = checked(sum[3] + SqliteNative.ColumnInt64(r, 7));
                sum[4] = checked(sum[4] + SqliteNative.ColumnInt64(r, 8));
                sum[5] += outcome != SqliteNative.ColumnInt64(r, 9) / 100 ? 1 : 0;
            }

            if (step != raw.SQLITE_DONE)
            {
                Check(handle, step);
            }
        }

        Flush();
        return lines;
    }

    // A batch touches each of its cards three times (load, update, one posting): with many cards per batch these are as
    // many rows as the records, so they take the same native path, in ASN order for the B-tree's sake. Cards are read
    // CardsPerSelect to a statement (`asn IN (…)`), which costs about a fifth less a card than a statement per card; the
    // rest one by one.
    public override IReadOnlyDictionary<Asn, CardAccount> LoadCards(SqlSession session, IReadOnlyCollection<Asn> asns)
    {
        var handle = ((SqliteConnection)session.Connection).Handle!;
        var cards = new Dictionary<Asn, CardAccount>(asns.Count);
        var ordered = new long[asns.Count];
        var count = 0;
        foreach (var asn in asns)
        {
            ordered[count++] = unchecked((long)asn.Value);
        }

        Array.Sort(ordered);
        var next = 0;
        if (count >= CardsPerSelect)
        {
            var placeholders = string.Join(", ", Enumerable.Range(1, CardsPerSelect).Select(i => "?" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Check(handle, raw.sqlite3_prepare_v2(handle, $"SELECT {SqlSession.CardColumns} FROM cards WHERE asn IN ({placeholders})", out var many));
            using (many)
            {
                var pointer = SqliteNative.Pointer(many);
                for (; next + CardsPerSelect <= count; next += CardsPerSelect)
                {
                    for (var i = 0; i < CardsPerSelect; i++)
                    {
                        SqliteNative.BindInt64(pointer, i + 1, ordered[next + i]);
                    }

                    ReadCards(handle, many, pointer, cards);
                }
            }
        }

        if (next < count)
        {
            Check(handle, raw.sqlite3_prepare_v2(handle, $"SELECT {SqlSession.CardColumns} FROM cards WHERE asn = ?1", out var one));
            using (one)
            {
                var pointer = SqliteNative.Pointer(one);
                for (; next < count; next++)
                {
                    SqliteNative.BindInt64(pointer, 1, ordered[next]);
                    ReadCards(handle, one, pointer, cards);
                }
            }
        }

        return cards;
    }

    private const int CardsPerSelect = 32;

    private static void ReadCards(sqlite3 handle, sqlite3_stmt statement, IntPtr pointer, Dictionary<Asn, CardAccount> cards)
    {
        int step;
        while ((step = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
        {
            var card = ReadCard(pointer);
            cards[card.Asn] = card;
        }

        if (step != raw.SQLITE_DONE)
        {
            Check(handle, step);
        }

        raw.sqlite3_reset(statement);
    }

    public override void UpdateCards(SqlSession session, IReadOnlyList<CardAccount> cards)
    {
        var handle = ((SqliteConnection)session.Connection).Handle!;
        var columns = SqlSession.CardColumns.Split(", ");
        var assignments = string.Join(", ", columns.Skip(1).Select((c, i) => $"{c} = ?{(i + 2).ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        Check(handle, raw.sqlite3_prepare_v2(handle, $"UPDATE cards SET {assignments} WHERE asn = ?1", out var statement));
        using (statement)
        {
            var pointer = SqliteNative.Pointer(statement);
            foreach (var c in CardAccount.InStorageOrder(cards))
            {
                SqliteNative.BindInt64(pointer, 1, unchecked((long)c.Asn.Value));
                SqliteNative.BindInt64(pointer, 2, c.City.Value);
                SqliteNative.BindInt64(pointer, 3, c.CardType);
                SqliteNative.BindInt64(pointer, 4, (long)c.Status);
                SqliteNative.BindInt64(pointer, 5, c.DepositFen);
                SqliteNative.BindInt64(pointer, 6, c.OpeningBalanceFen);
                SqliteNative.BindInt64(pointer, 7, c.ShadowBalanceFen);
                SqliteNative.BindInt64(pointer, 8, c.ChainBalanceFen);
                SqliteNative.BindInt64(pointer, 9, c.ChainTip.Time);
                SqliteNative.BindInt64(pointer, 10, (long)c.ChainTip.Kind);
                SqliteNative.BindInt64(pointer, 11, c.ChainTip.Counter);
                SqliteNative.BindInt64(pointer, 12, c.OfflineStart);
                SqliteNative.BindInt64(pointer, 13, c.OfflineNext);
                SqliteNative.BindInt64(pointer, 14, c.OfflineSeenNext);
                SqliteNative.BindInt64(pointer, 15, c.OnlineStart);
                SqliteNative.BindInt64(pointer, 16, c.OnlineNext);
                SqliteNative.BindInt64(pointer, 17, c.OnlineSeenNext);
                SqliteNative.BindInt64(pointer, 18, c.OpenGaps);
                if (c.BlacklistedVersion is { } listed)
                {
                    SqliteNative.BindInt64(pointer, 19, listed);
                }
                else
                {
                    SqliteNative.BindNull(pointer, 19);
                }

                SqliteNative.BindInt64(pointer, 20, SqlSession.Seconds(c.RegisteredUtc));
                Step(handle, statement);
            }
        }
    }

    public override void InsertPostings(SqlSession session, long transactionId, IReadOnlyList<Posting> postings)
    {
        var handle = ((SqliteConnection)session.Connection).Handle!;
        var groups = postings.Count / RowsPerInsert;
        var next = 0;
        if (groups > 0)
        {
            using var many = PreparePostings(handle, RowsPerInsert);
            var pointer = SqliteNative.Pointer(many);
            for (var group = 0; group < groups; group++)
            {
                for (var row = 0; row < RowsPerInsert; row++)
                {
                    BindPosting(pointer, row * 5, transactionId, next, postings[next]);
                    next++;
                }

                Step(handle, many);
            }
        }

        if (next < postings.Count)
        {
            using var one = PreparePostings(handle, 1);
            var pointer = SqliteNative.Pointer(one);
            while (next < postings.Count)
            {
                BindPosting(pointer, 0, transactionId, next, postings[next]);
                next++;
                Step(handle, one);
            }
        }
    }

    private static sqlite3_stmt PreparePostings(sqlite3 handle, int rows)
    {
        var sql = $"INSERT INTO postings (transaction_id, line, account, sub, amount_fen) VALUES {string.Join(", ", Enumerable.Repeat("(?, ?, ?, ?, ?)", rows))}";
        Check(handle, raw.sqlite3_prepare_v2(handle, sql, out var statement));
        return statement;
    }

    // Lines are numbered from 1 in the order given.
    private static void BindPosting(IntPtr statement, int at, long transactionId, int index, Posting posting)
    {
        SqliteNative.BindInt64(statement, at + 1, transactionId);
        SqliteNative.BindInt64(statement, at + 2, index + 1L);
        SqliteNative.BindInt64(statement, at + 3, (long)posting.Account.Kind);
        SqliteNative.BindInt64(statement, at + 4, posting.Account.Sub);
        SqliteNative.BindInt64(statement, at + 5, posting.AmountFen);
    }

    // The columns of SqlSession.CardColumns, as SqlSession.ReadCard maps them.
    private static CardAccount ReadCard(IntPtr r) => new()
    {
        Asn = SqlSession.AsnOf(SqliteNative.ColumnInt64(r, 0)),
        City = new CityCode((ushort)SqliteNative.ColumnInt64(r, 1)),
        CardType = (byte)SqliteNative.ColumnInt64(r, 2),
        Status = (CardStatus)SqliteNative.ColumnInt64(r, 3),
        DepositFen = SqliteNative.ColumnInt64(r, 4),
        OpeningBalanceFen = SqliteNative.ColumnInt64(r, 5),
        ShadowBalanceFen = SqliteNative.ColumnInt64(r, 6),
        ChainBalanceFen = SqliteNative.ColumnInt64(r, 7),
        ChainTip = new OrderKey(SqliteNative.ColumnInt64(r, 8), (CounterKind)SqliteNative.ColumnInt64(r, 9), SqliteNative.ColumnInt64(r, 10)),
        OfflineStart = (int)SqliteNative.ColumnInt64(r, 11),
        OfflineNext = (int)SqliteNative.ColumnInt64(r, 12),
        OfflineSeenNext = (int)SqliteNative.ColumnInt64(r, 13),
        OnlineStart = (int)SqliteNative.ColumnInt64(r, 14),
        OnlineNext = (int)SqliteNative.ColumnInt64(r, 15),
        OnlineSeenNext = (int)SqliteNative.ColumnInt64(r, 16),
        OpenGaps = (int)SqliteNative.ColumnInt64(r, 17),
        BlacklistedVersion = SqliteNative.ColumnType(r, 18) == raw.SQLITE_NULL ? null : (uint)SqliteNative.ColumnInt64(r, 18),
        RegisteredUtc = SqlSession.Instant(SqliteNative.ColumnInt64(r, 19)),
    };

    // OR FAIL rather than the default ABORT: a multi-row INSERT under ABORT needs a statement journal, a copy of every page
    // the statement changes (16 KiB per index page, about one per record once the accepted-key index outgrows one
    // transaction), written to a temporary file so that a constraint failure can undo just this statement. No caller
    // keeps a transaction after a failed write (the store rolls the whole transaction back), so the copy bought nothing;
    // it cost 25 KB written per record at 2,000,000 records. Constraint failures still raise.
    private static sqlite3_stmt Prepare(sqlite3 handle, int rows)
    {
        var placeholders = "(" + string.Join(", ", Enumerable.Repeat("?", RecordColumnCount)) + ")";
        var sql = $"INSERT OR FAIL INTO records ({SqlSession.RecordColumns}) VALUES {string.Join(", ", Enumerable.Repeat(placeholders, rows))}";
        Check(handle, raw.sqlite3_prepare_v2(handle, sql, out var statement));
        return statement;
    }

    // Through SqliteNative by the statement's pointer (the hot path); the first failed bind is raised with SQLite's message.
    private static void BindRecord(sqlite3 handle, IntPtr statement, int at, long batchId, ClearedRecord r)
    {
        var failed = raw.SQLITE_OK;
        void Int(int column, long value)
        {
            var code = SqliteNative.BindInt64(statement, at + column, value);
            failed = failed == raw.SQLITE_OK ? code : failed;
        }

        Int(1, batchId);
        Int(2, r.Index);
        Int(3, unchecked((long)r.Key.Asn.Value));
        Int(4, (long)r.Key.Kind);
        Int(5, r.Key.Counter);
        Int(6, r.Order.Time);
        Int(7, (long)r.Kind);
        Int(8, (long)r.Reason);
        Int(9, (long)r.Outcome);
        Int(10, r.AmountFen);
        Int(11, r.BalanceBeforeFen);
        Int(12, r.BalanceAfterFen);
        Int(13, r.PartyId);
        Int(14, r.FullFareFen);
        Int(15, r.SubsidyFen);
        Int(16, r.CommissionFen);
        Int(17, r.CommissionBps);
        var blob = SqliteNative.BindBlob(statement, at + 18, r.Raw);
        Check(handle, failed == raw.SQLITE_OK ? blob : failed);
    }

    private static void Step(sqlite3 handle, sqlite3_stmt statement)
    {
        var step = raw.sqlite3_step(statement);
        if (step != raw.SQLITE_DONE)
        {
            Check(handle, step);
        }

        raw.sqlite3_reset(statement);
    }

    private static void Check(sqlite3 handle, int code)
    {
        if (code != raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite error {code}: {raw.sqlite3_errmsg(handle).utf8_to_string()}", code);
        }
    }
}
