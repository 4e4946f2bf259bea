using CityCard.Clearing.Storage;

namespace CityCard.Storage.Sql;

/// <summary>
/// <see cref="IClearingStore"/> over ADO.NET: each call takes a pooled connection and one transaction. Writes hold the
/// dialect's database-wide write lock, so concurrent writers (threads or processes) run one after the other.
/// </summary>
internal sealed class SqlClearingStore : IClearingStore
{
    private readonly SqlDialect dialect;

    public SqlClearingStore(SqlDialect dialect, string description)
    {
        this.dialect = dialect;
        Description = description;
    }

    public string Description { get; }

    public int Migrate()
    {
        using var connection = dialect.Open();
        using var transaction = dialect.BeginWrite(connection);
        var session = new SqlSession(connection, transaction, dialect);
        session.Execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)");
        var current = session.Scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version");
        if (current > Schema.LatestVersion)
        {
            throw new StorageException($"{Description}: the schema is version {current}, newer than this program's {Schema.LatestVersion}; upgrade the program");
        }

        // Every migration not yet recorded is applied, in order: a migration numbered below one already applied (branches
        // merged in another order than they were numbered) is not skipped.
        var applied = session.Query("SELECT version FROM schema_version", r => r.GetInt64(0)).ToHashSet();
        foreach (var migration in Schema.Migrations.Where(m => !applied.Contains(m.Version)))
        {
            var specific = dialect.Kind == DatabaseKind.Sqlite ? migration.SqliteOnly : migration.PostgresOnly;
            foreach (var statement in migration.Common.Concat(specific))
            {
                session.Execute(statement
                    .Replace("{blob}", dialect.BlobType, StringComparison.Ordinal)
                    .Replace("{without_rowid}", dialect.Kind == DatabaseKind.Sqlite ? " WITHOUT ROWID" : string.Empty, StringComparison.Ordinal));
            }

            session.Execute("INSERT INTO schema_version (version) VALUES (@version)", ("@version", (long)migration.Version));
        }

        transaction.Commit();
        dialect.Committed(connection);
        return Schema.LatestVersion;
    }

    /// <summary>The schema version in the database (0 when none).</summary>
    public long SchemaVersion() => Read(reader =>
    {
        var session = (SqlSession)reader;
        var exists = session.Scalar(dialect.Kind == DatabaseKind.Sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_version'"
            : "SELECT CASE WHEN to_regclass('schema_version') IS NULL THEN 0 ELSE 1 END");
        return exists == 0 ? 0 : session.Scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    });

    public T Read<T>(Func<IClearingReader, T> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var connection = dialect.Open();
        using var transaction = dialect.BeginRead(connection);
        var result = query(new SqlSession(connection, transaction, dialect));
        transaction.Commit();
        return result;
    }

    public T Write<T>(Func<IClearingWriter, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var connection = dialect.Open();
        using var transaction = dialect.BeginWrite(connection);
        var result = work(new SqlSession(connection, transaction, dialect) { SettlementParallelFrom = SettlementParallelFrom });
        transaction.Commit();
        dialect.Committed(connection);
        return result;
    }

    /// <summary>Records from which a settlement reads the day's records on connections of their own, while it audits the ledger (tests lower it).</summary>
    internal long SettlementParallelFrom { get; set; } = SqlSession.DefaultSettlementParallelFrom;

    /// <summary>Runs between the steps of every bulk write (tests: another writer slipping in between).</summary>
    internal Action? BetweenBulkSteps { get; set; }

    public IBulkWrite BeginBulkWrite()
    {
        var connection = dialect.Open();
        try
        {
            return new SqlBulkWrite(dialect, new SqlSession(connection, dialect.BeginWrite(connection), dialect)) { BetweenSteps = BetweenBulkSteps };
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (dialect is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
