using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Storage;
using CityCard.Storage.Postgres;
using CityCard.Storage.Sql;
using Npgsql;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Pipeline;

/// <summary>
/// Bulk clearing commits in steps and decides the next step's first file before the commit. If another writer commits
/// between two steps, that decision may be stale: SQLite notices (PRAGMA data_version) and clears the file again;
/// PostgreSQL keeps the write lock across the commit, so nobody can.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class BulkStepTests(PostgresServer server)
{
    [Fact]
    public void Sqlite_WriterBetweenSteps_CarriedFileClearedAgain()
    {
        using var world = new World(TestDatabase.Create("sqlite", server));
        var card = world.SellCard(50_000);
        var files = Enumerable.Range(1, 4).Select(n => world.Batch(BusDevice, (uint)n, card.Purchase(100, BusTerminal, BusCompany, At(8, n)))).ToArray();
        var store = (SqlClearingStore)world.Database.Store;
        IngestResult? slipped = null;

        // After the first step (files 1 and 2, file 3 decided), another connection clears file 3 itself.
        store.BetweenBulkSteps = () => slipped ??= world.Clearing.Ingest(files[2]);
        var results = world.Clearing.IngestAll(files, filesPerTransaction: 2).ToList();

        Assert.NotNull(slipped);
        Assert.False(slipped.Replayed);
        Assert.Equal([false, false, true, false], results.Select(r => r.Replayed));
        Assert.Equal(slipped.Receipt, results[2].Receipt);
        Assert.All(results, r => Assert.Equal((BatchStatus.Cleared, 1), (r.Receipt.Status, r.Receipt.Totals.Accepted)));
        Assert.Equal(4, world.Database.Store.Read(r => r.CardHistory(card.Asn)).Count);
        PipelineTests.AssertAuditOk(world);
    }

    // The carried file's decision, and the card states the step kept in memory for reads on another connection, are
    // dropped when another writer changed the card between the steps: the file is decided again from the stored card.
    [Fact]
    public void Sqlite_WriterChangesTheCarriedFilesCardBetweenSteps_FileDecidedAgainFromIt()
    {
        using var world = new World(TestDatabase.Create("sqlite", server));
        using var reference = new World(TestDatabase.Create("sqlite", server));
        var card = world.SellCard(50_000);
        reference.SellCard(50_000);
        var files = Enumerable.Range(1, 4).Select(n => world.Batch(BusDevice, (uint)n, card.Purchase(100, BusTerminal, BusCompany, At(8, n)))).ToArray();
        var shop = world.Batch(ShopDevice, 1, card.Purchase(300, ShopTerminal, Shop, At(9)));
        var store = (SqlClearingStore)world.Database.Store;
        IngestResult? slipped = null;

        // After the first step (files 1 and 2, file 3 decided), another connection clears the card's later shop purchase.
        store.BetweenBulkSteps = () => slipped ??= world.Clearing.Ingest(shop);
        var results = world.Clearing.IngestAll(files, filesPerTransaction: 2).ToList();
        var expected = new[] { files[0], files[1], shop, files[2], files[3] }.Select(reference.Clearing.Ingest).ToList();

        Assert.Equal(expected[2], slipped);
        Assert.Equal(expected.Where((_, i) => i != 2), results);
        Assert.Equal(ReasonCode.ClearedOpensGap, world.Database.Store.Read(r => r.CardHistory(card.Asn)).Single(h => h.Record.AmountFen == 300).Record.Reason);
        Assert.Equal(reference.Card(card), world.Card(card));
        Assert.Equal(50_000 - 700, world.Card(card).ShadowBalanceFen);
        PipelineTests.AssertAuditOk(world);
    }

    [Fact]
    public async Task Postgres_WriterBetweenSteps_WaitsForTheBulkWrite()
    {
        using var world = new World(TestDatabase.Create("postgres", server));
        var card = world.SellCard(50_000);
        var files = Enumerable.Range(1, 4).Select(n => world.Batch(BusDevice, (uint)n, card.Purchase(100, BusTerminal, BusCompany, At(8, n)))).ToArray();
        var store = (SqlClearingStore)world.Database.Store;
        Task<IngestResult>? other = null;
        bool? lockFree = null;

        // In the gap another session cannot take the write lock, and a writer started there waits for the bulk write.
        store.BetweenBulkSteps = () =>
        {
            if (other is not null)
            {
                return;
            }

            using (var connection = new NpgsqlConnection(DatabaseUrl.Parse(world.Database.Url).ConnectionString))
            {
                connection.Open();
                using var probe = new NpgsqlCommand($"SELECT pg_try_advisory_lock({PostgresDialect.WriteLockKey})", connection);
                lockFree = (bool)probe.ExecuteScalar()!;
            }

            other = Task.Run(() => world.Clearing.Ingest(files[2]));
        };
        var results = world.Clearing.IngestAll(files, filesPerTransaction: 2).ToList();

        Assert.False(lockFree);
        Assert.All(results, r => Assert.False(r.Replayed));
        var late = await other!.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(late.Replayed);
        Assert.Equal(results[2].Receipt, late.Receipt);
        Assert.Equal(4, world.Database.Store.Read(r => r.CardHistory(card.Asn)).Count);
        PipelineTests.AssertAuditOk(world);
    }
}
