using CityCard.Clearing.Registry;
using CityCard.Clearing.Tests.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>
/// Registering many cards at once (<see cref="CentreRegistry.SellCards"/>: one transaction, bulk inserts — binary COPY on
/// PostgreSQL from 64 cards on): every card and its sale posted, all or nothing.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class CardSaleStoreTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void SellCards_ManyCards_EachRegisteredWithItsSaleAndAuditOk(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        world.SellCard(1_000);
        var sales = Enumerable.Range(0, 300).Select(i => Sale(i, balanceFen: 100 + i)).ToList();

        var accounts = world.Registry.SellCards(sales);

        Assert.Equal(sales.Select(s => s.Asn), accounts.Select(a => a.Asn));
        var stored = world.Database.Store.Read(r => r.FindCard(sales[299].Asn))!;
        Assert.Equal((399L, 2_000L, CardStatus.Active), (stored.ShadowBalanceFen, stored.DepositFen, stored.Status));
        var audit = world.Database.Store.Read(r => r.Audit());
        Assert.True(audit.Ok, audit.ToText());
        Assert.Equal(301, PipelineTests.Figure(audit, 2, "cards"));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void SellCards_OneTakenOrRepeated_NothingStored(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var existing = world.SellCard(1_000);
        var sales = Enumerable.Range(0, 100).Select(i => Sale(i, balanceFen: 100)).ToList();

        var taken = Assert.Throws<ClearingInputException>(() => world.Registry.SellCards([.. sales, sales[0] with { Asn = existing.Asn }]));
        var repeated = Assert.Throws<ClearingInputException>(() => world.Registry.SellCards([.. sales, sales[7]]));
        var unknownOutlet = Assert.Throws<ClearingInputException>(() => world.Registry.SellCards([.. sales, Sale(100, 100) with { OutletOperatorId = 999 }]));

        Assert.Contains($"card {existing.Asn} is already registered", taken.Message, StringComparison.Ordinal);
        Assert.Contains($"card {sales[7].Asn} is already registered", repeated.Message, StringComparison.Ordinal);
        Assert.Contains("outlet operator 999 is not registered", unknownOutlet.Message, StringComparison.Ordinal);
        Assert.Null(world.Database.Store.Read(r => r.FindCard(sales[0].Asn)));
        var audit = world.Database.Store.Read(r => r.Audit());
        Assert.True(audit.Ok, audit.ToText());
        Assert.Equal(1, PipelineTests.Figure(audit, 2, "cards"));
    }

    private static CardSale Sale(int i, long balanceFen) =>
        new(new Asn(0x2144_0000_0010_0000UL + (ulong)i), DemoKeySet.HomeCity, 1, 2_000, balanceFen, 0, 0, Outlet);
}
