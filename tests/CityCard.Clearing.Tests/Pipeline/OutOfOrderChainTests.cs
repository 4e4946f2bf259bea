using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Tests.Support;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Pipeline;

/// <summary>
/// Loads and purchases count on separate card counters, so a batch of one kind can arrive before an earlier record of
/// the other kind: the centre holds a gap for the unseen record instead of calling the chain broken, and the late record
/// fills it. A balance that cannot be explained that way is still a broken chain.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class OutOfOrderChainTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void PurchaseAfterAnUnseenLoad_HoldsAGap_TheLateLoadFillsIt(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(1_000);
        var early = card.Purchase(200, BusTerminal, BusCompany, At(8));
        var load = card.Load(5_000, OutletTerminal, Outlet, At(12));
        var late = card.Purchase(300, BusTerminal, BusCompany, At(18));

        world.Ingest(BusDevice, 1, early, late);
        Assert.Equal(1, world.Card(card).OpenGaps);
        world.Ingest(OutletDevice, 1, load);

        Assert.Equal(0, world.Card(card).OpenGaps);
        Assert.Equal(5_500, world.Card(card).ShadowBalanceFen);
        Assert.DoesNotContain(ReasonCode.BalanceChainBroken, Outcomes(world, card));
        PipelineTests.AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void LoadAfterUnseenPurchases_HoldsAGap_TheLatePurchaseFillsIt(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(1_000);
        var purchase = card.Purchase(400, ShopTerminal, Shop, At(9));
        var load = card.Load(2_000, OutletTerminal, Outlet, At(19));

        world.Ingest(OutletDevice, 1, load);
        Assert.Equal(1, world.Card(card).OpenGaps);
        world.Ingest(ShopDevice, 1, purchase);

        Assert.Equal(0, world.Card(card).OpenGaps);
        Assert.Equal(2_600, world.Card(card).ShadowBalanceFen);
        PipelineTests.AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void PurchaseWhoseBalanceFellWithoutAPurchase_IsABrokenChain(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(1_000);
        var first = card.Purchase(200, BusTerminal, BusCompany, At(8));
        var second = card.Sign(card.Purchase(100, BusTerminal, BusCompany, At(9)) with { BalanceBeforeFen = 700 });

        world.Ingest(BusDevice, 1, first, second);

        Assert.Equal([ReasonCode.Cleared, ReasonCode.BalanceChainBroken], Outcomes(world, card));
    }

    private static ReasonCode[] Outcomes(World world, TestCard card) =>
        [.. world.Database.Store.Read(r => r.CardHistory(card.Asn)).OrderBy(r => r.Record.Order).Select(r => r.Record.Reason)];
}
