using CityCard.Clearing.Storage;
using CityCard.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CityCard.Clearing.Tests.Support;

/// <summary>A fresh database of one engine, migrated; raw SQL access for tests that corrupt it on purpose.</summary>
internal sealed class TestDatabase : IDisposable
{
    private readonly string? directory;

    private TestDatabase(string engine, string url, string? directory)
    {
        Engine = engine;
        Url = url;
        this.directory = directory;
        Store = ClearingStores.Open(url, migrate: true);
    }

    public static TheoryData<string> Engines => new("sqlite", "postgres");

    public string Engine { get; }

    public string Url { get; }

    public IClearingStore Store { get; }

    public static TestDatabase Create(string engine, PostgresServer server)
    {
        if (engine == "sqlite")
        {
            var directory = Directory.CreateTempSubdirectory("citycard-sqlite-").FullName;
            return new TestDatabase(engine, "sqlite:" + Path.Combine(directory, "test.db"), directory);
        }

        return new TestDatabase(engine, server.CreateDatabase(), null);
    }

    public void ExecuteRaw(string sql) => OnRawCommand(sql, command => command.ExecuteNonQuery());

    /// <summary>The first column of the first row of <paramref name="sql"/>, as a number (counts, sums, ids).</summary>
    public long ScalarRaw(string sql) =>
        OnRawCommand(sql, command => Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));

    // Runs sql on a connection of its own, outside the store.
    private T OnRawCommand<T>(string sql, Func<System.Data.Common.DbCommand, T> run)
    {
        var url = DatabaseUrl.Parse(Url);
        if (url.Kind == DatabaseKind.Sqlite)
        {
            using var connection = new SqliteConnection(url.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return run(command);
        }

        using var pg = new NpgsqlConnection(url.ConnectionString);
        pg.Open();
        using var query = new NpgsqlCommand(sql, pg);
        return run(query);
    }

    public void Dispose()
    {
        Store.Dispose();
        if (directory is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
