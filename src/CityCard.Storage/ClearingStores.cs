using System.Data.Common;
using CityCard.Clearing.Storage;
using CityCard.Storage.Postgres;
using CityCard.Storage.Sql;
using CityCard.Storage.Sqlite;

namespace CityCard.Storage;

/// <summary>Opens the clearing database a URL names (<see cref="DatabaseUrl"/>).</summary>
public static class ClearingStores
{
    /// <summary>
    /// Opens a store. SQLite is created and migrated on open; PostgreSQL is migrated only when
    /// <paramref name="migrate"/> is set (<c>citycard db migrate</c>) and otherwise must already have the current schema.
    /// Problems raise <see cref="StorageException"/> naming the database and the cause.
    /// </summary>
    public static IClearingStore Open(DatabaseUrl url, bool migrate = false)
    {
        ArgumentNullException.ThrowIfNull(url);
        SqlDialect dialect;
        if (url.Kind == DatabaseKind.Sqlite)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(url.SqlitePath!));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            dialect = new SqliteDialect(url.ConnectionString);
        }
        else
        {
            dialect = new PostgresDialect(url.ConnectionString);
        }

        var store = new SqlClearingStore(dialect, url.Description);
        try
        {
            if (migrate || dialect.MigratesOnOpen)
            {
                store.Migrate();
            }
            else if (store.SchemaVersion() < Schema.LatestVersion)
            {
                throw new StorageException($"{url.Description}: the schema is not at version {Schema.LatestVersion}; run 'citycard db migrate --db URL' first");
            }

            return store;
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            store.Dispose();
            throw new StorageException($"{url.Description}: {DatabaseFailures.Message(e)}", e);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Opens a store from URL text (see <see cref="DatabaseUrl.Parse"/>).</summary>
    /// <summary>
    /// Whether SQLite runs in this process in its multi-thread mode, without per-connection mutexes or memory statistics
    /// (set before the process's first SQLite connection opens; false if another connection opened first, and SQLite
    /// then keeps its serialized default). Reading it makes the setting if nothing has yet.
    /// </summary>
    public static bool SqliteMultiThreaded => Sqlite.SqliteDialect.LibraryConfigured;

    public static IClearingStore Open(string url, bool migrate = false) => Open(DatabaseUrl.Parse(url), migrate);
}
