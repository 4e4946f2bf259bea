using CityCard.Clearing.Lifecycle;
using CityCard.Clearing.Loads;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Tests.Support;
using CityCard.Security.Ep;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Lifecycle;

/// <summary>
/// Settlement of an outlet that both sold loads for cash and wrote pending credits: the outlet remits only the cash
/// it took, and the statement, the CSV, the settlement postings and audit invariant 6 agree to the fen.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class ClaimSettlementTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void Settle_CashLoadAndClaimAtOneOutlet_RemittanceIsTheCashLoadOnly(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(1_000); // a cash load of 1,000 fen at the outlet
        rig.TopUps.Notify("PAY-1", card.Asn, 3_000);
        var load = rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(card, 3_000, 7, claim: true));
        rig.Loads.Confirm(OutletDevice, card.Asn, load.OnlineCounter, LifecycleRig.LoadTac(card, load), EpAlgorithm.Des, 1);
        rig.World.Ingest(OutletDevice, rig.NextBatch(), card.Load(3_000, OutletTerminal, Outlet, At(12)));

        var (report, _) = rig.World.SettleAfterDay(Today);

        Assert.True(report.Reconciled, string.Join("\n", report.Differences));
        var outlet = report.Statements.Single(s => s.MerchantId == Outlet);
        Assert.Equal((2L, 4_000L, 1L, 3_000L, 1_000L), (outlet.Loads, outlet.LoadsFen, outlet.Claims, outlet.ClaimsFen, outlet.RemittanceFen));
        Assert.Contains($"merchant,{Outlet},", SettlementCsv.Format(report), StringComparison.Ordinal);
        Assert.Contains(",2,4000,1,3000,1000\n", SettlementCsv.Format(report), StringComparison.Ordinal);
        var audit = rig.World.Database.Store.Read(r => r.Audit());
        Assert.True(audit.Ok, audit.ToText());
        Assert.Equal((1_000L, 3_000L, 1_000L), (Figure(audit, "loadsLessClaimsFen"), Figure(audit, "claimsFen"), Figure(audit, "remittedFen")));

        // The stored report (and so the CSV) comes back the same.
        var (again, replayed) = rig.World.SettleAfterDay(Today);
        Assert.True(replayed);
        Assert.Equal(SettlementCsv.Format(report), SettlementCsv.Format(again));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Settle_ClaimNeverConfirmedButItsRecordArrived_ClaimedAtSettlementAndNetted(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(500);
        rig.TopUps.Notify("PAY-1", card.Asn, 2_000);
        rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(card, 2_000, 7, claim: true));

        // The outlet's confirm never reached the centre; the load record (verified TAC) did.
        rig.World.Ingest(OutletDevice, rig.NextBatch(), card.Load(2_000, OutletTerminal, Outlet, At(12)));
        var (report, _) = rig.World.SettleAfterDay(Today);

        Assert.True(report.Reconciled, string.Join("\n", report.Differences));
        Assert.Equal(PendingCreditStatus.Claimed, Assert.Single(rig.TopUps.Credits(card.Asn)).Status);
        Assert.Equal(LoadStatus.Resolved, rig.World.Database.Store.Read(r => r.FindPendingLoad(card.Asn, 1))!.Status);
        Assert.Equal(500, report.Statements.Single(s => s.MerchantId == Outlet).RemittanceFen);
        var audit = rig.World.Database.Store.Read(r => r.Audit());
        Assert.True(audit.Ok, audit.ToText());
        Assert.Equal((2_000L, 500L), (Figure(audit, "claimsFen"), Figure(audit, "remittedFen")));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Audit_StatementClaimsAltered_Invariant6NamesTheSettlement(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(1_000);
        rig.TopUps.Notify("PAY-1", card.Asn, 3_000);
        var load = rig.Loads.Authorise(OutletDevice, LifecycleRig.LoadRequest(card, 3_000, 7, claim: true));
        rig.Loads.Confirm(OutletDevice, card.Asn, load.OnlineCounter, LifecycleRig.LoadTac(card, load), EpAlgorithm.Des, 1);
        rig.World.Ingest(OutletDevice, rig.NextBatch(), card.Load(3_000, OutletTerminal, Outlet, At(12)));
        rig.World.SettleAfterDay(Today);

        rig.World.Database.ExecuteRaw("UPDATE settlement_statements SET claims_fen = 0");

        var audit = rig.World.Database.Store.Read(r => r.Audit());
        var invariant = audit.Invariants[5];
        Assert.False(invariant.Ok);
        Assert.Contains(invariant.Differences, d => d.Contains($"outlet operator {Outlet}: accepted loads − claims 1000 fen, statement remittance 4000 fen, remitted 1000 fen", StringComparison.Ordinal));
    }

    private static long Figure(Audit.AuditReport audit, string name) => audit.Invariants[5].Figures[name];

    private LifecycleRig NewRig(string engine) => new(TestDatabase.Create(engine, server));
}
