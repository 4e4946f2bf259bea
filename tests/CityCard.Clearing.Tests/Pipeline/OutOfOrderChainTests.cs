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

    // The outlet's batch (a morning top-up and a later claim) arrives after the bus's, and the bus's later purchase came
    // first: the purchase between the two loads has unseen loads on both sides — two reserved gaps, both filled later.
    [Theory]
    [MemberData(nameof(Engines))]
    public void PurchaseBetweenTwoUnseenLoads_HoldsTwoGaps_TheLateLoadsFillThem(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(1_000);
        var first = card.Purchase(200, BusTerminal, BusCompany, At(7));
        var morningLoad = card.Load(5_000, OutletTerminal, Outlet, At(8));
        var middle = card.Purchase(200, BusTerminal, BusCompany, At(9));
        var claim = card.Load(5_000, OutletTerminal, Outlet, At(10));
        var evening = card.Purchase(200, BusTerminal, BusCompany, At(18));

        world.Ingest(BusDevice, 1, first, evening);
        world.Ingest(BusDevice, 2, middle);
        Assert.Equal(2, world.Card(card).OpenGaps);
        world.Ingest(OutletDevice, 1, morningLoad, claim);

        Assert.Equal(0, world.Card(card).OpenGaps);
        Assert.Equal(10_400, world.Card(card).ShadowBalanceFen);
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

    // Terminal clocks drift: a shop whose clock runs slow dates the card's next purchase before the bus tap that
    // came first. The counter, not the clock, orders a card's records of one kind.
    [Theory]
    [MemberData(nameof(Engines))]
    public void LaterCounterDatedEarlier_BySkewedClock_ChainsInCounterOrder(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(1_000);
        var bus = card.Purchase(200, BusTerminal, BusCompany, At(8, 19, 8));
        var shop = card.Purchase(300, ShopTerminal, Shop, At(8, 18, 57));
        var load = card.Load(1_000, OutletTerminal, Outlet, At(9, 10));

        world.Ingest(BusDevice, 1, bus);
        world.Ingest(ShopDevice, 1, shop);
        world.Ingest(OutletDevice, 1, load);

        Assert.Equal([ReasonCode.Cleared, ReasonCode.Cleared, ReasonCode.Cleared], Outcomes(world, card));
        Assert.Equal(1_500, world.Card(card).ShadowBalanceFen);
        PipelineTests.AssertAuditOk(world);
    }

    // The same skew with the later counter arriving first: the earlier counter fills the gap and is ordered before it.
    [Theory]
    [MemberData(nameof(Engines))]
    public void EarlierCounterDatedLater_FillsItsGap_InCounterOrder(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(1_000);
        var first = card.Purchase(100, BusTerminal, BusCompany, At(7, 35));
        var shop = card.Purchase(150, ShopTerminal, Shop, At(12, 10, 44));
        var bus = card.Purchase(100, BusTerminal, BusCompany, At(12, 10, 13));
        var evening = card.Purchase(100, BusTerminal, BusCompany, At(16, 49));

        world.Ingest(BusDevice, 1, first, bus, evening);
        Assert.Equal(1, world.Card(card).OpenGaps);
        world.Ingest(ShopDevice, 1, shop);

        Assert.Equal(0, world.Card(card).OpenGaps);
        Assert.DoesNotContain(ReasonCode.BalanceChainBroken, Outcomes(world, card));
        Assert.Equal(550, world.Card(card).ShadowBalanceFen);
        PipelineTests.AssertAuditOk(world);
    }

    // Counter order does not excuse a balance that does not link: a forged-looking chain with skewed dates stays broken.
    [Theory]
    [MemberData(nameof(Engines))]
    public void SkewedCounterWithWrongBalance_IsStillABrokenChain(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(1_000);
        var bus = card.Purchase(200, BusTerminal, BusCompany, At(8, 19, 8));
        var shop = card.Sign(card.Purchase(300, ShopTerminal, Shop, At(8, 18, 57)) with { BalanceBeforeFen = 700 });

        world.Ingest(BusDevice, 1, bus);
        world.Ingest(ShopDevice, 1, shop);

        Assert.Contains(ReasonCode.BalanceChainBroken, Outcomes(world, card));
    }

    private static ReasonCode[] Outcomes(World world, TestCard card) =>
        [.. world.Database.Store.Read(r => r.CardHistory(card.Asn)).OrderBy(r => r.Record.Order).Select(r => r.Record.Reason)];
}
