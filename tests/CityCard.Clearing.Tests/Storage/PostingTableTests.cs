using CityCard.Clearing.Tests.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Storage.Sql;
using Microsoft.Data.Sqlite;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>On SQLite (migration 15) postings are clustered by (transaction, line): one B-tree, still append-only and still tied to their transaction.</summary>
[Collection(DatabaseGroup.Name)]
public sealed class PostingTableTests(PostgresServer server)
{
    private const string Columns = "transaction_id, line, account, sub, amount_fen";

    [Fact]
    public void Migration15_FromVersion14_KeepsEveryPostingTheForeignKeyAndTheAppendOnlyGuard()
    {
        using var world = new World(TestDatabase.Create("sqlite", server));
        var card = world.SellCard(5_000);
        world.Ingest(BusDevice, 1, card.Purchase(100, BusTerminal, BusCompany, At(8)), card.Purchase(200, BusTerminal, BusCompany, At(8, 1)));
        world.SettleAfterDay(Today);
        // Put the postings table back as schema version 14 had it: a row id of its own and its key as a second B-tree.
        world.Database.ExecuteRaw($"""
            CREATE TABLE postings_v14 (transaction_id BIGINT NOT NULL REFERENCES ledger_transactions (transaction_id), line BIGINT NOT NULL, account BIGINT NOT NULL, sub BIGINT NOT NULL, amount_fen BIGINT NOT NULL, PRIMARY KEY (transaction_id, line));
            INSERT INTO postings_v14 ({Columns}) SELECT {Columns} FROM postings ORDER BY transaction_id DESC, line DESC;
            DROP TABLE postings;
            ALTER TABLE postings_v14 RENAME TO postings;
            CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: correct by reversal'); END;
            CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: correct by reversal'); END;
            DELETE FROM schema_version WHERE version = 15;
            """);
        var before = Rows(world.Database, $"SELECT {Columns} FROM postings ORDER BY transaction_id, line");
        Assert.Equal(1L, world.Database.ScalarRaw("SELECT COUNT(*) FROM pragma_index_list('postings')"));

        world.Database.Store.Migrate();

        Assert.Equal(Schema.LatestVersion, world.Database.ScalarRaw("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(before, Rows(world.Database, $"SELECT {Columns} FROM postings ORDER BY transaction_id, line"));
        // Clustered by its key: no row id, and the key is the table's only B-tree.
        Assert.Throws<SqliteException>(() => world.Database.ScalarRaw("SELECT MAX(rowid) FROM postings"));
        Assert.Equal("pk", Rows(world.Database, "SELECT origin FROM pragma_index_list('postings')").Single());
        // Append-only, tied to an existing transaction, one line each.
        var update = Assert.Throws<SqliteException>(() => world.Database.ExecuteRaw("UPDATE postings SET amount_fen = amount_fen + 1"));
        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", Assert.Throws<SqliteException>(() => world.Database.ExecuteRaw("DELETE FROM postings")).Message, StringComparison.Ordinal);
        Assert.Contains("FOREIGN KEY", Assert.Throws<SqliteException>(() => world.Database.ExecuteRaw("INSERT INTO postings (transaction_id, line, account, sub, amount_fen) VALUES (999999, 1, 7, 0, 0)")).Message, StringComparison.Ordinal);
        Assert.Contains("UNIQUE", Assert.Throws<SqliteException>(() => world.Database.ExecuteRaw("INSERT INTO postings (transaction_id, line, account, sub, amount_fen) VALUES (1, 1, 7, 0, 0)")).Message, StringComparison.Ordinal);
        Assert.True(world.Database.Store.Read(r => r.Audit()).Ok);
        // And the store goes on clearing and settling.
        var next = world.Ingest(BusDevice, 2, card.Purchase(100, BusTerminal, BusCompany, At(9)));
        Assert.Equal(1, next.Receipt.Totals.Accepted);
        var (report, _) = world.SettleAfterDay(Today.AddDays(1));
        Assert.True(report.Reconciled, string.Join("\n", report.Differences));
        PipelineTests.AssertAuditOk(world);
    }

    private static List<string> Rows(TestDatabase database, string sql) => SqliteRows.Of(database, sql, SqliteRows.Text);
}
