using CityCard.Clearing.Lifecycle;
using CityCard.Clearing.Loads;
using CityCard.Clearing.Tests.Support;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Clearing.Tests.Lifecycle;

/// <summary>A world with the lifecycle services over the built-in products, and helpers for online loads with real MACs.</summary>
internal sealed class LifecycleRig : IDisposable
{
    private int requests;
    private int nextBatch = 100;

    public LifecycleRig(TestDatabase database)
    {
        World = new World(database);
        Lifecycle = new CardLifecycle(database.Store, ProductCatalog.Default, World.Clock);
        TopUps = new OnlineTopUps(database.Store, ProductCatalog.Default.Policy, World.Clock);
        Loads = new OnlineLoads(database.Store, [DemoKeySet.Create(EpAlgorithm.Des)], World.Clock);
    }

    public static HolderIdentity Zhang { get; } = new("Zhang Wei", "220202199001011234");

    public World World { get; }

    public CardLifecycle Lifecycle { get; }

    public OnlineTopUps TopUps { get; }

    public OnlineLoads Loads { get; }

    public OperatorRequest Request(string who = "alice") => new($"req-{++requests}", who);

    /// <summary>Sells a registered card to Zhang Wei and loads <paramref name="balanceFen"/> at the outlet (cleared).</summary>
    public TestCard SellRegistered(long balanceFen, string product = "registered")
    {
        var sale = Lifecycle.Sell(Request(), product, World.Outlet, product == "anonymous" ? null : Zhang);
        var card = new TestCard(Asn.Parse(sale.Asn, "asn"), 0);
        if (balanceFen > 0)
        {
            World.Ingest(World.OutletDevice, NextBatch(), card.Load(balanceFen, World.OutletTerminal, World.Outlet, World.At(7)));
        }

        return card;
    }

    public uint NextBatch() => (uint)Interlocked.Increment(ref nextBatch);

    public static LoadRequest LoadRequest(TestCard card, long amountFen, uint random, bool claim)
    {
        var keys = DemoKeySet.Create(EpAlgorithm.Des).DeriveCardKeys(DemoKeySet.HomeCity, card.Asn);
        var session = EpMacs.LoadSessionKey(keys.Load, random, card.Online);
        return new LoadRequest
        {
            City = DemoKeySet.HomeCity,
            Asn = card.Asn,
            BalanceBeforeFen = card.Balance,
            AmountFen = amountFen,
            OnlineCounter = card.Online,
            KeyVersion = DemoKeySet.KeyVersion,
            Algorithm = EpAlgorithm.Des,
            Random = random,
            Terminal = World.OutletTerminal,
            Mac1 = EpMacs.LoadMac1(session, unchecked((uint)(int)card.Balance), checked((uint)amountFen), TransactionType.Load, World.OutletTerminal),
            ClaimCredits = claim,
        };
    }

    public static uint LoadTac(TestCard card, PendingLoad load)
    {
        var keys = DemoKeySet.Create(EpAlgorithm.Des).DeriveCardKeys(DemoKeySet.HomeCity, card.Asn);
        return EpMacs.LoadTac(keys.TacKey, unchecked((uint)(int)(load.BalanceBeforeFen + load.AmountFen)), load.OnlineCounter, checked((uint)load.AmountFen), TransactionType.Load, load.Terminal, load.HostDateTime);
    }

    public void AssertAuditOk() => Pipeline.PipelineTests.AssertAuditOk(World);

    public void Dispose() => World.Dispose();

}
