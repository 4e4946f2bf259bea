using CityCard.Clearing.Tests.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Storage.Sql;
using Microsoft.Data.Sqlite;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>On SQLite (migration 14) the cards table is keyed by the ASN itself: one B-tree, no separate index.</summary>
[Collection(DatabaseGroup.Name)]
public sealed class CardTableTests(PostgresServer server)
{
    private const string Columns = "asn, city, card_type, status, deposit_fen, opening_balance_fen, shadow_balance_fen, chain_balance_fen, tip_time, tip_kind, tip_counter, offline_start, offline_next, offline_seen_next, online_start, online_next, online_seen_next, open_gaps, blacklisted_version, registered_utc";

    [Fact]
    public void SqliteCards_TheAsnIsTheRowId_WithNoOtherIndex()
    {
        using var world = new World(TestDatabase.Create("sqlite", server));
        var high = SellHighCard(world);
        var low = world.SellCard(1_000);

        Assert.Empty(Rows(world.Database, "SELECT name FROM pragma_index_list('cards')", r => r.GetString(0)));
        Assert.Equal([unchecked((long)high.Asn.Value), unchecked((long)low.Asn.Value)], Rows(world.Database, "SELECT rowid FROM cards ORDER BY rowid", r => r.GetInt64(0)));
        Assert.Equal(0L, world.Database.ScalarRaw("SELECT COUNT(*) FROM cards WHERE rowid <> asn"));
    }

    [Fact]
    public void Migration14_FromVersion13_KeepsEveryCardAndItsUniqueness()
    {
        using var world = new World(TestDatabase.Create("sqlite", server));
        var high = SellHighCard(world);
        var card = world.SellCard(5_000);
        world.Ingest(BusDevice, 1, card.Purchase(100, BusTerminal, BusCompany, At(8)), high.Purchase(300, BusTerminal, BusCompany, At(8, 1)));
        // Put the cards table back as schema version 13 had it: a row id of its own and a unique index on asn.
        world.Database.ExecuteRaw($"""
            CREATE TABLE cards_v13 (asn BIGINT PRIMARY KEY, city BIGINT NOT NULL, card_type BIGINT NOT NULL, status BIGINT NOT NULL,
              deposit_fen BIGINT NOT NULL, opening_balance_fen BIGINT NOT NULL, shadow_balance_fen BIGINT NOT NULL, chain_balance_fen BIGINT NOT NULL,
              tip_time BIGINT NOT NULL, tip_kind BIGINT NOT NULL, tip_counter BIGINT NOT NULL,
              offline_start BIGINT NOT NULL, offline_next BIGINT NOT NULL, offline_seen_next BIGINT NOT NULL,
              online_start BIGINT NOT NULL, online_next BIGINT NOT NULL, online_seen_next BIGINT NOT NULL,
              open_gaps BIGINT NOT NULL, blacklisted_version BIGINT NULL, registered_utc BIGINT NOT NULL);
            INSERT INTO cards_v13 ({Columns}) SELECT {Columns} FROM cards ORDER BY registered_utc DESC, asn DESC;
            DROP TABLE cards;
            ALTER TABLE cards_v13 RENAME TO cards;
            DELETE FROM schema_version WHERE version = 14;
            """);
        var before = Rows(world.Database, $"SELECT {Columns} FROM cards ORDER BY asn", Row);
        Assert.Single(Rows(world.Database, "SELECT name FROM pragma_index_list('cards')", r => r.GetString(0)));

        world.Database.Store.Migrate();

        Assert.Equal(Schema.LatestVersion, world.Database.ScalarRaw("SELECT MAX(version) FROM schema_version"));
        Assert.Empty(Rows(world.Database, "SELECT name FROM pragma_index_list('cards')", r => r.GetString(0)));
        var after = Rows(world.Database, $"SELECT {Columns} FROM cards ORDER BY asn", Row);
        Assert.Equal(2, after.Count);
        Assert.Equal(before, after);
        Assert.Equal(0L, world.Database.ScalarRaw("SELECT COUNT(*) FROM cards WHERE rowid <> asn"));
        Assert.True(world.Database.Store.Read(r => r.Audit()).Ok);
        // Still one row per ASN: selling a card twice is refused.
        Assert.ThrowsAny<Exception>(() => world.Registry.SellCard(card.Asn, DemoKeySet.HomeCity, 1, 2_000, 1_000, 0, 0, Outlet));
        Assert.Throws<SqliteException>(() => world.Database.ExecuteRaw($"INSERT INTO cards ({Columns}) SELECT {Columns} FROM cards WHERE asn = {unchecked((long)high.Asn.Value)}"));
        // And the store goes on clearing both cards.
        var next = world.Ingest(BusDevice, 2, card.Purchase(100, BusTerminal, BusCompany, At(9)), high.Purchase(100, BusTerminal, BusCompany, At(9, 1)));
        Assert.Equal(2, next.Receipt.Totals.Accepted);
        Assert.Equal(4_800, world.Card(card).ShadowBalanceFen);
        PipelineTests.AssertAuditOk(world);
    }

    public static TheoryData<string> Engines => TestDatabase.Engines;

    // SQLite reads cards 32 to a statement and the rest one by one: 70 cards and 5 unknown ones cross both paths.
    [Theory]
    [MemberData(nameof(Engines))]
    public void LoadCards_ManyInNoOrder_ReturnsEachKnownCardAsStored_AndNoUnknownOne(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var high = SellHighCard(world);
        var sold = Enumerable.Range(0, 70).Select(i => world.SellCard(1_000 + (i * 7)).Asn).Append(high.Asn).ToList();
        var unknown = Enumerable.Range(0, 5).Select(i => new Asn(0x0200_0000_0000_0000UL + (ulong)i)).ToList();
        var asked = sold.Concat(unknown).OrderBy(a => unchecked(a.Value * 0x9E37_79B9_7F4A_7C15UL) >> 7).ToList();

        var loaded = world.Database.Store.Read(r => r.LoadCards(asked));

        Assert.Equal(sold.Count, loaded.Count);
        foreach (var asn in sold)
        {
            Assert.Equal(world.Database.Store.Read(r => r.FindCard(asn)), loaded[asn]);
        }

        Assert.All(unknown, asn => Assert.False(loaded.ContainsKey(asn)));
        Assert.Equal(9_000, loaded[high.Asn].ShadowBalanceFen);
        Assert.Equal(1_000 + (69 * 7), loaded[sold[69]].ShadowBalanceFen);
    }

    // An ASN above 2^63, stored as a negative number: the first card in ASN order.
    private static TestCard SellHighCard(World world)
    {
        var card = new TestCard(new Asn(0x9000_0000_0000_0001), 9_000, EpAlgorithm.Des);
        world.Registry.SellCard(card.Asn, DemoKeySet.HomeCity, 1, 2_000, 9_000, 0, 0, Outlet);
        return card;
    }

    private static string Row(SqliteDataReader reader) => SqliteRows.Text(reader);

    private static List<T> Rows<T>(TestDatabase database, string sql, Func<SqliteDataReader, T> map) => SqliteRows.Of(database, sql, map);
}
