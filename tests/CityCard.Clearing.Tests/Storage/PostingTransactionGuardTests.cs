using CityCard.Clearing.Tests.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Storage;
using CityCard.Storage.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>
/// Every posting names a ledger transaction that exists: a foreign key on SQLite, and on PostgreSQL (migration 12) a
/// statement-level trigger that looks up each distinct transaction of the inserted rows once.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class PostingTransactionGuardTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void Posting_NamingAMissingTransaction_WholeInsertRefused_NothingStored(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        world.SellCard(5_000);
        var before = world.Database.ScalarRaw("SELECT COUNT(*) FROM postings");
        var existing = world.Database.ScalarRaw("SELECT MIN(transaction_id) FROM ledger_transactions");

        // A balanced pair: the first row names a stored transaction, the second one that does not exist.
        var error = Assert.ThrowsAny<Exception>(() => world.Database.ExecuteRaw($"INSERT INTO postings (transaction_id, line, account, sub, amount_fen) VALUES ({existing}, 900, 1, 1, 5), (987654321, 1, 1, 1, -5)"));

        Assert.True(error is PostgresException or SqliteException, error.GetType().Name);
        Assert.Contains(engine == "postgres" ? "ledger transaction 987654321, which does not exist" : "FOREIGN KEY", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, world.Database.ScalarRaw("SELECT COUNT(*) FROM postings"));
        Assert.True(world.Database.Store.Read(r => r.Audit()).Ok);
    }

    [Fact]
    public void PostgresCopy_OfPostingsNamingAMissingTransaction_Refused()
    {
        using var world = new World(TestDatabase.Create("postgres", server));
        world.SellCard(5_000);
        var before = world.Database.ScalarRaw("SELECT COUNT(*) FROM postings");
        using var connection = new NpgsqlConnection(DatabaseUrl.Parse(world.Database.Url).ConnectionString);
        connection.Open();

        var error = Assert.Throws<PostgresException>(() =>
        {
            using var rows = new BinaryCopyRows(connection, "COPY postings (transaction_id, line, account, sub, amount_fen) FROM STDIN (FORMAT BINARY)");
            rows.StartRow(5, 60);
            foreach (var value in new long[] { 987654321, 1, 1, 1, 0 })
            {
                rows.Write(value);
            }

            rows.Complete();
        });

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
        Assert.Equal(before, world.Database.ScalarRaw("SELECT COUNT(*) FROM postings"));
    }

    [Fact]
    public void Migration12_FromVersion11_ReplacesTheForeignKey_AndClearingGoesOn()
    {
        using var world = new World(TestDatabase.Create("postgres", server));
        var card = world.SellCard(50_000);
        world.Ingest(BusDevice, 1, card.Purchase(100, BusTerminal, BusCompany, At(8)));
        // Put the guard back as schema version 11 had it.
        world.Database.ExecuteRaw("""
            DROP TRIGGER postings_transaction_exists ON postings;
            DROP FUNCTION postings_name_transactions();
            ALTER TABLE postings ADD CONSTRAINT postings_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES ledger_transactions (transaction_id);
            DELETE FROM schema_version WHERE version = 12;
            """);
        Assert.Equal(1L, world.Database.ScalarRaw("SELECT COUNT(*) FROM pg_constraint WHERE conname = 'postings_transaction_id_fkey'"));

        world.Database.Store.Migrate();

        Assert.Equal(0L, world.Database.ScalarRaw("SELECT COUNT(*) FROM pg_constraint WHERE conname = 'postings_transaction_id_fkey'"));
        Assert.Equal(1L, world.Database.ScalarRaw("SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'postings_transaction_exists'"));
        Assert.ThrowsAny<PostgresException>(() => world.Database.ExecuteRaw("INSERT INTO postings (transaction_id, line, account, sub, amount_fen) VALUES (987654321, 1, 1, 1, 0)"));
        var next = world.Ingest(BusDevice, 2, card.Purchase(100, BusTerminal, BusCompany, At(9)));
        Assert.Equal(1, next.Receipt.Totals.Accepted);
        PipelineTests.AssertAuditOk(world);
    }
}
