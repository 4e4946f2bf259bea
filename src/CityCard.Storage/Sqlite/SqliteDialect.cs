using System.Data.Common;
using CityCard.Clearing.Pipeline;
using CityCard.Storage.Sql;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CityCard.Storage.Sqlite;

/// <summary>
/// SQLite: WAL journal (readers never block the writer), synchronous NORMAL (a committed transaction survives a process
/// crash), foreign keys on, and <c>BEGIN IMMEDIATE</c> as the database-wide write lock (waiting up to the busy timeout).
/// For throughput: 16 KiB pages for a new database (an existing one keeps its page size), a 128 MiB page cache per
/// connection (a batch's index pages stay cached instead of spilling mid-transaction), and a WAL checkpoint every 2,048
/// pages instead of 1,000 (fewer, larger checkpoints; durability is the same).
/// </summary>
internal sealed class SqliteDialect(string connectionString) : SqlDialect
{
    private const int RecordColumnCount = 18;
    private const int RowsPerInsert = 32;

    public override DatabaseKind Kind => DatabaseKind.Sqlite;

    public override string BlobType => "BLOB";

    public override bool MigratesOnOpen => true;

    public override DbConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 60000; PRAGMA cache_size = -131072; PRAGMA wal_autocheckpoint = 2048;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    public override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public override DbTransaction BeginRead(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

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
            for (var group = 0; group < groups; group++)
            {
                for (var row = 0; row < RowsPerInsert; row++)
                {
                    BindRecord(many, row * RecordColumnCount, batchId, records[next++]);
                }

                Step(handle, many);
            }
        }

        if (next < records.Count)
        {
            using var one = Prepare(handle, 1);
            while (next < records.Count)
            {
                BindRecord(one, 0, batchId, records[next++]);
                Step(handle, one);
            }
        }
    }

    private static sqlite3_stmt Prepare(sqlite3 handle, int rows)
    {
        var placeholders = "(" + string.Join(", ", Enumerable.Repeat("?", RecordColumnCount)) + ")";
        var sql = $"INSERT INTO records ({SqlSession.RecordColumns}) VALUES {string.Join(", ", Enumerable.Repeat(placeholders, rows))}";
        Check(handle, raw.sqlite3_prepare_v2(handle, sql, out var statement));
        return statement;
    }

    private static void BindRecord(sqlite3_stmt statement, int at, long batchId, ClearedRecord r)
    {
        raw.sqlite3_bind_int64(statement, at + 1, batchId);
        raw.sqlite3_bind_int64(statement, at + 2, r.Index);
        raw.sqlite3_bind_int64(statement, at + 3, unchecked((long)r.Key.Asn.Value));
        raw.sqlite3_bind_int64(statement, at + 4, (long)r.Key.Kind);
        raw.sqlite3_bind_int64(statement, at + 5, r.Key.Counter);
        raw.sqlite3_bind_int64(statement, at + 6, r.Order.Time);
        raw.sqlite3_bind_int64(statement, at + 7, (long)r.Kind);
        raw.sqlite3_bind_int64(statement, at + 8, (long)r.Reason);
        raw.sqlite3_bind_int64(statement, at + 9, (long)r.Outcome);
        raw.sqlite3_bind_int64(statement, at + 10, r.AmountFen);
        raw.sqlite3_bind_int64(statement, at + 11, r.BalanceBeforeFen);
        raw.sqlite3_bind_int64(statement, at + 12, r.BalanceAfterFen);
        raw.sqlite3_bind_int64(statement, at + 13, r.PartyId);
        raw.sqlite3_bind_int64(statement, at + 14, r.FullFareFen);
        raw.sqlite3_bind_int64(statement, at + 15, r.SubsidyFen);
        raw.sqlite3_bind_int64(statement, at + 16, r.CommissionFen);
        raw.sqlite3_bind_int64(statement, at + 17, r.CommissionBps);
        raw.sqlite3_bind_blob(statement, at + 18, r.Raw);
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
