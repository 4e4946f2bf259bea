using CityCard.Clearing.Parameters;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Tests.Support;
using CityCard.Clearing.Verification;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>Migration 4 on both engines: parameter contents, publications and pickups; the time a gap was opened.</summary>
[Collection(DatabaseGroup.Name)]
public sealed class ParameterAndGapStoreTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void ParameterTables_ContentPublicationsAndPickups_ReadBackInOrder(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var store = world.Database.Store;
        var now = world.Clock.Now;

        var first = store.Write(w => w.AddParameterContent("{\"bus\":{}}", "initial", now));
        var second = store.Write(w => w.AddParameterContent("{\"bus\":{\"flatFareFen\":300}}", "fare rise", now.AddHours(1)));
        store.Write(w =>
        {
            w.AddParameterPublication(new ParameterPublication(1, 0, 0, now, "AA"));
            w.AddParameterPublication(new ParameterPublication(2, second, 3, now.AddHours(1), "BB"));
            return 0;
        });
        var added = store.Write(w => (
            w.NoteParameterPickup(new ParameterPickup(BusDevice, 1, 0, false, now)),
            w.NoteParameterPickup(new ParameterPickup(BusDevice, 2, 3, true, now.AddHours(2))),
            w.NoteParameterPickup(new ParameterPickup(BusDevice, 2, 3, false, now.AddHours(5))),
            w.NoteParameterPickup(new ParameterPickup(ShopDevice, 2, 3, false, now.AddHours(3)))));

        Assert.Equal((1u, 2u), (first, second));
        Assert.Equal("fare rise", store.Read(r => r.LatestParameterContent())!.Note);
        Assert.Equal("{\"bus\":{}}", store.Read(r => r.FindParameterContent(1))!.Content);
        Assert.Equal(new ParameterPublication(2, 2, 3, now.AddHours(1), "BB"), store.Read(r => r.LatestParameterPublication()));
        Assert.Null(store.Read(r => r.FindParameterPublication(3)));
        Assert.Equal((true, true, false, true), added);
        var bus = store.Read(r => r.ParameterPickups(BusDevice, 10));
        Assert.Equal([2u, 1u], bus.Select(p => p.Version));
        Assert.Equal(now.AddHours(2), bus[0].PickedUpUtc);
        Assert.True(bus[0].Delta);
        Assert.Equal(3, store.Read(r => r.ParameterPickups(null, 10)).Count);
        Assert.Equal(2u, store.Read(r => r.FirstPickupOfBlacklist(BusDevice, 1))!.Version);
        Assert.Equal(1u, store.Read(r => r.FirstPickupOfBlacklist(BusDevice, 0))!.Version);
        Assert.Null(store.Read(r => r.FirstPickupOfBlacklist(BusDevice, 4)));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Gaps_OpenedTimeStored_AlarmAfterTheWaitingPeriod_AndClosedGapGone(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(5_000);
        var first = card.Purchase(200, BusTerminal, BusCompany, At(8));
        var skipped = card.Purchase(100, BusTerminal, BusCompany, At(9));
        var third = card.Purchase(300, BusTerminal, BusCompany, At(10));
        var opened = world.Clock.Now;
        world.Ingest(BusDevice, 1, first, third);
        var alarm = new GapAlarm(world.Database.Store, world.Clock);

        var fresh = alarm.Find(null, 100);
        world.Clock.Now = opened.AddDays(Settings.DefaultGapWaitingDays).AddSeconds(1);
        var late = alarm.Find(null, 100);
        var audit = world.Database.Store.Read(r => r.Audit(world.Clock.Now));
        var auditWithoutTime = world.Database.Store.Read(r => r.Audit());
        world.Ingest(BusDevice, 2, skipped);
        var filled = alarm.Find(0, 100);

        Assert.Empty(fresh.Gaps);
        Assert.Equal(new OpenGap(card.Asn, CounterKind.Offline, 1, opened), Assert.Single(late.Gaps));
        Assert.True(audit.Ok);
        Assert.Equal(1, audit.Invariants[2].Figures["gapsOpenLongerThanWaitingPeriod"]);
        Assert.Contains("1 gaps on 1 cards", Assert.Single(audit.Warnings), StringComparison.Ordinal);
        Assert.Empty(auditWithoutTime.Warnings);
        Assert.Empty(filled.Gaps);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Migration4_FromVersion3WithOpenGaps_BackFillsTheOpenedTime(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(5_000);
        var first = card.Purchase(200, BusTerminal, BusCompany, At(8));
        card.Offline = 5;
        world.Ingest(BusDevice, 1, first, card.Purchase(100, BusTerminal, BusCompany, At(9)));
        // Put the database back to schema version 3 with its gaps, as a centre upgraded to this program would have it.
        foreach (var sql in new[]
        {
            "DROP TABLE parameter_pickups", "DROP TABLE parameter_versions", "DROP TABLE parameter_contents",
            "ALTER TABLE gaps DROP COLUMN opened_utc", "DELETE FROM schema_version WHERE version = 4",
        })
        {
            world.Database.ExecuteRaw(sql);
        }

        var version = world.Database.Store.Migrate();
        var gaps = world.Database.Store.Read(r => r.OpenGaps(DateTimeOffset.MaxValue.AddYears(-1), 100));

        Assert.True(version >= 4, $"migrated to {version}"); // later migrations (5: lifecycle) are already applied; 4 is filled in
        Assert.Equal(4, gaps.Count);
        Assert.All(gaps, g => Assert.NotNull(g.OpenedUtc));
        Assert.Null(world.Database.Store.Read(r => r.LatestParameterPublication()));
    }
}
