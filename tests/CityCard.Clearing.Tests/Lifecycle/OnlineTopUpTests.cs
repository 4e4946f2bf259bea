using CityCard.Clearing.Lifecycle;
using CityCard.Clearing.Loads;
using CityCard.Clearing.Tests.Support;
using CityCard.Security.Ep;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Lifecycle;

/// <summary>Online top-up on both engines: notification once per payment id, claim exactly once through torn writes, the healer.</summary>
[Collection(DatabaseGroup.Name)]
public sealed class OnlineTopUpTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void Notify_DuplicateNotification_CreditsOnce(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(1_000);

        var first = rig.TopUps.Notify("PAY-1", card.Asn, 5_000);
        var again = rig.TopUps.Notify("PAY-1", card.Asn, 5_000);

        Assert.Equal(first, again);
        Assert.Equal(5_000, Assert.Single(rig.TopUps.Credits(card.Asn)).AmountFen);
        Assert.Contains("already used for topup with other parameters", LifecycleTests.Refused(() => rig.TopUps.Notify("PAY-1", card.Asn, 6_000)), StringComparison.Ordinal);
        Assert.Contains("not registered", LifecycleTests.Refused(() => rig.TopUps.Notify("PAY-2", new Asn(0x2144_0000_0000_0099), 100)), StringComparison.Ordinal);
        Assert.Contains("outside 1..", LifecycleTests.Refused(() => rig.TopUps.Notify("PAY-3", card.Asn, 0)), StringComparison.Ordinal);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Claim_AuthoriseAndConfirm_WrittenOnceAndPosted(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(1_000);
        rig.TopUps.Notify("PAY-1", card.Asn, 3_000);
        rig.TopUps.Notify("PAY-2", card.Asn, 2_000);
        Assert.Contains("has 5000 fen of pending credits", LifecycleTests.Refused(() => rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(card, 3_000, 7, claim: true))), StringComparison.Ordinal);

        var load = rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(card, 5_000, 7, claim: true));
        Assert.All(rig.TopUps.Credits(card.Asn), c => Assert.Equal(PendingCreditStatus.Reserved, c.Status));
        rig.Loads.Confirm(OutletDevice, card.Asn, load.OnlineCounter, LifecycleRig.LoadTac(card, load), EpAlgorithm.Des, 1);
        rig.Loads.Confirm(OutletDevice, card.Asn, load.OnlineCounter, LifecycleRig.LoadTac(card, load), EpAlgorithm.Des, 1);

        Assert.All(rig.TopUps.Credits(card.Asn), c => Assert.Equal(PendingCreditStatus.Claimed, c.Status));
        rig.World.Ingest(OutletDevice, rig.NextBatch(), card.Load(5_000, OutletTerminal, Outlet, At(12)));
        Assert.Equal(6_000, rig.World.Card(card).ShadowBalanceFen);
        Assert.Contains("no pending credits", LifecycleTests.Refused(() => rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(card, 5_000, 8, claim: true))), StringComparison.Ordinal);
        rig.AssertAuditOk();
    }

    // A staff card may run into its overdraft; the card keeps the negative balance as a signed 32-bit number under its MACs.
    [Theory]
    [MemberData(nameof(Engines))]
    public void Load_OverdrawnCard_AuthorisedAndConfirmed(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(200, "staff");
        rig.World.Ingest(ShopDevice, rig.NextBatch(), card.Purchase(500, ShopTerminal, Shop, At(9)));
        Assert.Equal(-300, rig.World.Card(card).ShadowBalanceFen);

        var load = rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(card, 2_000, 11, claim: false));
        var confirmed = rig.Loads.Confirm(OutletDevice, card.Asn, load.OnlineCounter, LifecycleRig.LoadTac(card, load), EpAlgorithm.Des, 1);

        Assert.Equal(-300, confirmed.BalanceBeforeFen);
        rig.World.Ingest(OutletDevice, rig.NextBatch(), card.Load(2_000, OutletTerminal, Outlet, At(12)));
        Assert.Equal(1_700, rig.World.Card(card).ShadowBalanceFen);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Claim_TornWriteThatHappened_ResolvedByCounterAtNextContact(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(1_000);
        rig.TopUps.Notify("PAY-1", card.Asn, 4_000);
        rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(card, 4_000, 7, claim: true));

        // The card was credited but the outlet never heard back (no confirm); its record still reaches the centre.
        rig.World.Ingest(OutletDevice, rig.NextBatch(), card.Load(4_000, OutletTerminal, Outlet, At(12)));
        rig.TopUps.Notify("PAY-2", card.Asn, 500);
        rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(card, 500, 9, claim: true));

        var credits = rig.TopUps.Credits(card.Asn);
        Assert.Equal(PendingCreditStatus.Claimed, credits[0].Status);
        Assert.Equal(PendingCreditStatus.Reserved, credits[1].Status);
        Assert.Equal(LoadStatus.Resolved, rig.World.Database.Store.Read(r => r.FindPendingLoad(card.Asn, 1))!.Status);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Claim_TornWriteThatDidNotHappen_LapsesAndIsWrittenOnceLater(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(1_000);
        rig.TopUps.Notify("PAY-1", card.Asn, 4_000);
        rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(card, 4_000, 7, claim: true));

        // The card left the field before CREDIT FOR LOAD: it comes back (another session) with the same online counter.
        var retry = rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(card, 4_000, 8, claim: true));
        rig.Loads.Confirm(OutletDevice, card.Asn, retry.OnlineCounter, LifecycleRig.LoadTac(card, retry), EpAlgorithm.Des, 1);

        Assert.Equal(PendingCreditStatus.Claimed, Assert.Single(rig.TopUps.Credits(card.Asn)).Status);
        Assert.Contains(rig.World.Database.Store.Read(r => r.OperatorLog(0, 100)), e => e.Action == "load-lapsed");
        rig.World.Ingest(OutletDevice, rig.NextBatch(), card.Load(4_000, OutletTerminal, Outlet, At(12)));
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Heal_UnclaimedPaymentRefundedReservedAndRecoveredKept(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(1_000);
        var other = rig.SellRegistered(1_000);
        rig.TopUps.Notify("PAY-1", card.Asn, 4_000);
        rig.TopUps.Notify("PAY-2", other.Asn, 700);
        rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(other, 700, 5, claim: true));
        rig.Lifecycle.Adjust(rig.Request(), card.Asn, 200, "refund of a double charge");
        rig.World.Clock.Now = rig.World.Clock.Now.AddDays(31);

        var report = rig.TopUps.Heal(rig.Request("healer"));

        Assert.Equal(4_000, report.RefundedFen);
        Assert.Equal("payment:PAY-1", Assert.Single(report.Refunded).Reference);
        Assert.Equal("adjustment", Assert.Single(report.Kept).Source);
        Assert.Single(report.ExpiredLoads);
        Assert.Equal(PendingCreditStatus.Refunded, rig.TopUps.Credits(card.Asn)[0].Status);
        Assert.Equal(PendingCreditStatus.Reserved, rig.TopUps.Credits(other.Asn)[0].Status);
        Assert.Equal(LoadStatus.Expired, rig.World.Database.Store.Read(r => r.FindPendingLoad(other.Asn, 1))!.Status);
        Assert.Contains("has 200 fen of pending credits", LifecycleTests.Refused(() => rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(card, 4_200, 6, claim: true))), StringComparison.Ordinal);
        Assert.Empty(rig.TopUps.Heal(rig.Request("healer")).Refunded);
        rig.AssertAuditOk();
    }

    private LifecycleRig NewRig(string engine) => new(TestDatabase.Create(engine, server));
}
