using System.Data.Common;
using CityCard.Clearing.Pipeline;
using CityCard.Storage.Sql;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CityCard.Storage.Sqlite;

/// <summary>
/// SQLite: WAL journal (readers never block the writer), synchronous NORMAL (a committed transaction survives a process
/// crash), foreign keys on, and <c>BEGIN IMMEDIATE</c> as the database-wide write lock (waiting up to the busy timeout).
/// </summary>
internal sealed class SqliteDialect(string connectionString) : SqlDialect
{
    public override DatabaseKind Kind => DatabaseKind.Sqlite;

    public override string BlobType => "BLOB";

    public override bool MigratesOnOpen => true;

    public override DbConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 60000;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    public override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public override DbTransaction BeginRead(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    // The hot path: one native prepared statement bound column by column, on the session's connection and inside its
    // transaction; ADO.NET's per-parameter boxing and binding cost more than SQLite's own insert.
    public override void InsertRecords(SqlSession session, long batchId, IReadOnlyList<ClearedRecord> records)
    {
        var handle = ((SqliteConnection)session.Connection).Handle!;
        var names = string.Join(", ", Enumerable.Range(1, 18).Select(i => "?" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Check(handle, raw.sqlite3_prepare_v2(handle, $"INSERT INTO records ({SqlSession.RecordColumns}) VALUES ({names})", out var statement));
        using (statement)
        {
            foreach (var r in records)
            {
                raw.sqlite3_bind_int64(statement, 1, batchId);
                raw.sqlite3_bind_int64(statement, 2, r.Index);
                raw.sqlite3_bind_int64(statement, 3, unchecked((long)r.Key.Asn.Value));
                raw.sqlite3_bind_int64(statement, 4, (long)r.Key.Kind);
                raw.sqlite3_bind_int64(statement, 5, r.Key.Counter);
                raw.sqlite3_bind_int64(statement, 6, r.Order.Time);
                raw.sqlite3_bind_int64(statement, 7, (long)r.Kind);
                raw.sqlite3_bind_int64(statement, 8, (long)r.Reason);
                raw.sqlite3_bind_int64(statement, 9, (long)r.Outcome);
                raw.sqlite3_bind_int64(statement, 10, r.AmountFen);
                raw.sqlite3_bind_int64(statement, 11, r.BalanceBeforeFen);
                raw.sqlite3_bind_int64(statement, 12, r.BalanceAfterFen);
                raw.sqlite3_bind_int64(statement, 13, r.PartyId);
                raw.sqlite3_bind_int64(statement, 14, r.FullFareFen);
                raw.sqlite3_bind_int64(statement, 15, r.SubsidyFen);
                raw.sqlite3_bind_int64(statement, 16, r.CommissionFen);
                raw.sqlite3_bind_int64(statement, 17, r.CommissionBps);
                raw.sqlite3_bind_blob(statement, 18, r.Raw);
                var step = raw.sqlite3_step(statement);
                if (step != raw.SQLITE_DONE)
                {
                    Check(handle, step);
                }

                raw.sqlite3_reset(statement);
            }
        }
    }

    private static void Check(sqlite3 handle, int code)
    {
        if (code != raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite error {code}: {raw.sqlite3_errmsg(handle).utf8_to_string()}", code);
        }
    }
}
