using System.Data.Common;
using CityCard.Storage.Sql;
using Microsoft.Data.Sqlite;

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
}
