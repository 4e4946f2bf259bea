using CityCard.Storage;
using CityCard.Storage.Sql;
using CityCard.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>
/// SQLite checkpoints on a background thread (<see cref="WalCheckpointer"/>): it runs once enough WAL pages were
/// committed, loses nothing, and stops with the store.
/// </summary>
public sealed class WalCheckpointerTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-checkpoint-").FullName;

    [Fact]
    public void Committed_EnoughWalPages_CheckpointsOnItsThreadAndStopsWithTheStore()
    {
        var url = DatabaseUrl.Parse("sqlite:" + Path.Combine(directory, "test.db"));
        var dialect = new SqliteDialect(url.ConnectionString, checkpointPages: 4);
        var store = new SqlClearingStore(dialect, url.Description);
        try
        {
            store.Migrate();
            for (var i = 0; i < 20; i++)
            {
                var value = new string('x', 40_000) + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                store.Write(writer => { ((SqlSession)writer).SetSetting("filler" + (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture), value); return 0; });
            }

            // Bounded wait for the background thread (no timing is asserted: only that it ran at all).
            for (var wait = 0; wait < 500 && dialect.Checkpointer.Checkpoints == 0; wait++)
            {
                Thread.Sleep(10);
            }

            Assert.True(dialect.Checkpointer.Checkpoints > 0);
        }
        finally
        {
            store.Dispose();
        }

        Assert.Null(dialect.Checkpointer.Failure);
        SqliteConnection.ClearAllPools();
        using var reopened = ClearingStores.Open(url);
        Assert.Equal(
            new string('x', 40_000) + "19",
            reopened.Read(reader => ((SqlSession)reader).Query("SELECT value FROM settings WHERE name = 'filler1'", r => r.GetString(0)).Single()));
    }

    [Fact]
    public void Dispose_NeverStarted_Returns()
    {
        var url = DatabaseUrl.Parse("sqlite:" + Path.Combine(directory, "idle.db"));
        using var store = ClearingStores.Open(url);
        Assert.Equal(Schema.LatestVersion, ((SqlClearingStore)store).SchemaVersion());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
