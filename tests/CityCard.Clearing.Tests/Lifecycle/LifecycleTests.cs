using CityCard.Cards.Issuance;
using CityCard.Clearing.Audit;
using CityCard.Clearing.Ledger;
using CityCard.Clearing.Lifecycle;
using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Tests.Support;
using CityCard.Security.Ep;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Lifecycle;

/// <summary>Sale, loss, replacement, refund and control on both engines: every operation, its bad inputs and its postings.</summary>
[Collection(DatabaseGroup.Name)]
public sealed class LifecycleTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void Sell_RegisteredProduct_AllocatesCheckedAsnAndPostsDeposit(string engine)
    {
        using var rig = NewRig(engine);
        var request = rig.Request();

        var sale = rig.Lifecycle.Sell(request, "student", Outlet, LifecycleRig.Zhang);
        var again = rig.Lifecycle.Sell(request, "student", Outlet, LifecycleRig.Zhang);
        var next = rig.Lifecycle.Sell(rig.Request(), "anonymous", Outlet, null);

        var asn = Asn.Parse(sale.Asn, "asn");
        Assert.True(AsnNumbering.IsValid(asn));
        Assert.Equal(AsnNumbering.Create(new CityCode(0x2144), 1).ToString(), sale.Asn);
        Assert.Equal(sale, again);
        Assert.NotEqual(sale.Asn, next.Asn);
        var card = rig.World.Card(new TestCard(asn, 0));
        Assert.Equal((1_000L, (byte)2, 0L), (card.DepositFen, card.CardType, card.ShadowBalanceFen));
        Assert.Equal(Today.AddMonths(12), sale.ConcessionValidUntil);
        Assert.Equal("Zhang Wei", rig.Lifecycle.Profile(asn)!.HolderName);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Sell_BadInputs_RefusedAndNothingStored(string engine)
    {
        using var rig = NewRig(engine);

        Assert.Contains("name and ID number are required", Refused(() => rig.Lifecycle.Sell(rig.Request(), "registered", Outlet, null)), StringComparison.Ordinal);
        Assert.Contains("is anonymous", Refused(() => rig.Lifecycle.Sell(rig.Request(), "anonymous", Outlet, LifecycleRig.Zhang)), StringComparison.Ordinal);
        Assert.Contains("outlet operator 999", Refused(() => rig.Lifecycle.Sell(rig.Request(), "anonymous", 999, null)), StringComparison.Ordinal);
        Assert.Contains("product 'gold'", Refused(() => rig.Lifecycle.Sell(rig.Request(), "gold", Outlet, null)), StringComparison.Ordinal);
        var used = rig.Request();
        rig.Lifecycle.Sell(used, "anonymous", Outlet, null);
        Assert.Contains("already used for sale with other parameters", Refused(() => rig.Lifecycle.Sell(used, "staff", Outlet, LifecycleRig.Zhang)), StringComparison.Ordinal);
        Assert.Single(rig.World.Database.Store.Read(r => r.OperatorLog(0, 100)));
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void LossAndReplacement_LateOfflineRecords_StatementExplainsRecoveredValueToTheFen(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(5_000);
        rig.World.Ingest(BusDevice, rig.NextBatch(), card.Purchase(200, BusTerminal, BusCompany, At(8)));
        rig.World.Clock.Now = rig.World.Clock.Now.AddHours(2);

        Assert.Contains("do not match", Refused(() => rig.Lifecycle.ReportLoss(rig.Request(), card.Asn, LifecycleRig.Zhang with { IdNumber = "X" })), StringComparison.Ordinal);
        var loss = rig.Lifecycle.ReportLoss(rig.Request(), card.Asn, LifecycleRig.Zhang);
        Assert.Contains("already reported lost", Refused(() => rig.Lifecycle.ReportLoss(rig.Request(), card.Asn, LifecycleRig.Zhang)), StringComparison.Ordinal);
        Assert.Equal(4_800, loss.ShadowBalanceFen);
        Assert.Equal(CardStatus.Lost, rig.World.Card(card).Status);

        // The thief keeps riding: a bus that has not got the blacklist yet, then one that has it.
        var late = card.Purchase(300, BusTerminal, BusCompany, At(13), blacklistVersion: 0);
        var refused = card.Purchase(150, ShopTerminal, Shop, At(14), blacklistVersion: loss.BlacklistVersion);
        rig.World.Clock.Now = rig.World.Clock.Now.AddDays(1);
        rig.World.Ingest(BusDevice, rig.NextBatch(), late);
        rig.World.Ingest(ShopDevice, rig.NextBatch(), refused);
        Assert.Contains("can be replaced from", Refused(() => rig.Lifecycle.Replace(rig.Request(), card.Asn, LifecycleRig.Zhang, Outlet)), StringComparison.Ordinal);

        rig.World.Clock.Now = rig.World.Clock.Now.AddDays(7);
        var replacement = rig.Lifecycle.Replace(rig.Request(), card.Asn, LifecycleRig.Zhang, Outlet);

        var statement = replacement.Statement;
        Assert.Equal(4_800, statement.BalanceAtReportFen);
        Assert.Equal(2, statement.Lines.Count);
        Assert.Equal(("accepted", -300L, 4_500L), (statement.Lines[0].Outcome, statement.Lines[0].EffectFen, statement.Lines[0].RunningFen));
        Assert.Equal(("suspect", "used-after-blacklisting", 0L, 4_500L), (statement.Lines[1].Outcome, statement.Lines[1].Reason, statement.Lines[1].EffectFen, statement.Lines[1].RunningFen));
        Assert.Equal(4_500, replacement.RecoveredFen);
        Assert.Equal(4_500, statement.RecoverableFen);
        Assert.Equal(statement.Lines, rig.Lifecycle.Statement(card.Asn).Lines);
        var newAsn = Asn.Parse(replacement.NewCard.Asn, "asn");
        var credit = Assert.Single(rig.TopUps.Credits(newAsn));
        Assert.Equal((4_500L, PendingCreditStatus.Available), (credit.AmountFen, credit.Status));
        Assert.Equal((CardStatus.Cancelled, 0L), (rig.World.Card(card).Status, rig.World.Card(card).ShadowBalanceFen));
        Assert.Equal("replaced", rig.Lifecycle.Profile(card.Asn)!.ClosedAs);
        rig.AssertAuditOk();

        // Blocked for good: a later upload is rejected, the old card cannot be found, replaced or refunded again.
        rig.World.Ingest(BusDevice, rig.NextBatch(), card.Purchase(100, BusTerminal, BusCompany, At(15), blacklistVersion: 0));
        Assert.Equal(ReasonCode.CardCancelled, rig.World.Database.Store.Read(r => r.CardHistory(card.Asn))[^1].Record.Reason);
        Assert.Contains("closed", Refused(() => rig.Lifecycle.Found(rig.Request(), card.Asn, LifecycleRig.Zhang)), StringComparison.Ordinal);
        Assert.Contains("closed", Refused(() => rig.Lifecycle.Refund(rig.Request(), card.Asn, 0, Outlet, LifecycleRig.Zhang)), StringComparison.Ordinal);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void LossStatement_UseAfterBlacklistingAcceptedOnReview_SaysSo(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(5_000);
        rig.World.Clock.Now = rig.World.Clock.Now.AddHours(1);
        var loss = rig.Lifecycle.ReportLoss(rig.Request(), card.Asn, LifecycleRig.Zhang);
        var batch = rig.NextBatch();
        rig.World.Clock.Now = rig.World.Clock.Now.AddHours(1);
        rig.World.Ingest(ShopDevice, batch, card.Purchase(150, ShopTerminal, Shop, At(14), blacklistVersion: loss.BlacklistVersion));

        // The holder admits the purchase: the supervisor accepts it, and the statement must not claim the terminal did not know.
        new SuspectReview(rig.World.Database.Store, rig.World.Clock).Decide(ShopDevice, batch, 0, ReviewDecision.Accept, "holder confirms the purchase", "bob");
        var lines = rig.Lifecycle.Statement(card.Asn).Lines;

        var line = Assert.Single(lines);
        Assert.Equal(("accepted", -150L, 4_850L), (line.Outcome, line.EffectFen, line.RunningFen));
        Assert.StartsWith("accepted on review", line.Explanation, StringComparison.Ordinal);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Found_BeforeReplacement_UnblockedAsNewVersion(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(1_000);
        var loss = rig.Lifecycle.ReportLoss(rig.Request(), card.Asn, LifecycleRig.Zhang);

        var found = rig.Lifecycle.Found(rig.Request(), card.Asn, LifecycleRig.Zhang);

        Assert.Equal(loss.BlacklistVersion + 1, found.BlacklistVersion);
        Assert.Equal((CardStatus.Active, (uint?)null), (rig.World.Card(card).Status, rig.World.Card(card).BlacklistedVersion));
        Assert.Contains("not reported lost", Refused(() => rig.Lifecycle.Found(rig.Request(), card.Asn, LifecycleRig.Zhang)), StringComparison.Ordinal);
        var anonymous = rig.SellRegistered(0, "anonymous");
        Assert.Contains("not a registered card", Refused(() => rig.Lifecycle.ReportLoss(rig.Request(), anonymous.Asn, LifecycleRig.Zhang)), StringComparison.Ordinal);
        Assert.Contains("not registered", Refused(() => rig.Lifecycle.ReportLoss(rig.Request(), new Asn(0x2144_9999_9999_9999), LifecycleRig.Zhang)), StringComparison.Ordinal);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Refund_CardPresent_PaysDepositAndBalanceLessFeeAndBlocksCard(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(3_000);

        Assert.Contains("records are still on their way", Refused(() => rig.Lifecycle.Refund(rig.Request(), card.Asn, 2_900, Outlet, LifecycleRig.Zhang)), StringComparison.Ordinal);
        Assert.Contains("do not match", Refused(() => rig.Lifecycle.Refund(rig.Request(), card.Asn, 3_000, Outlet, null)), StringComparison.Ordinal);
        var refund = rig.Lifecycle.Refund(rig.Request(), card.Asn, 3_000, Outlet, LifecycleRig.Zhang);

        Assert.Equal(("done", 2_000L, 3_000L, 500L, 4_500L), (refund.Status, refund.DepositFen, refund.BalanceFen, refund.FeeFen, refund.PaidOutFen));
        Assert.NotNull(refund.BlacklistVersion);
        Assert.Equal((CardStatus.Cancelled, 0L, 0L), (rig.World.Card(card).Status, rig.World.Card(card).ShadowBalanceFen, rig.World.Card(card).DepositFen));
        Assert.Contains("closed", Refused(() => rig.Lifecycle.Refund(rig.Request(), card.Asn, 0, Outlet, LifecycleRig.Zhang)), StringComparison.Ordinal);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Refund_LostCard_AfterWaitingPeriodFromShadowBalance(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(2_500);
        rig.Lifecycle.ReportLoss(rig.Request(), card.Asn, LifecycleRig.Zhang);
        Assert.Contains("can be refunded from", Refused(() => rig.Lifecycle.Refund(rig.Request(), card.Asn, null, Outlet, LifecycleRig.Zhang)), StringComparison.Ordinal);
        Assert.Contains("blocked card is not refunded at the counter", Refused(() => rig.Lifecycle.Refund(rig.Request(), card.Asn, 2_500, Outlet, LifecycleRig.Zhang)), StringComparison.Ordinal);
        rig.World.Clock.Now = rig.World.Clock.Now.AddDays(7);

        var refund = rig.Lifecycle.Refund(rig.Request(), card.Asn, null, Outlet, LifecycleRig.Zhang);

        Assert.Equal(("done", 4_000L), (refund.Status, refund.PaidOutFen));
        Assert.Equal(2_500, refund.Statement!.RecoverableFen);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Refund_AboveApprovalAmount_NeedsASecondDifferentOperator(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(60_000);

        var held = rig.Lifecycle.Refund(rig.Request("alice"), card.Asn, 60_000, Outlet, LifecycleRig.Zhang);

        Assert.Equal("awaiting-approval", held.Status);
        Assert.Equal(CardStatus.Active, rig.World.Card(card).Status);
        Assert.Contains("a second, different operator", Refused(() => rig.Lifecycle.Approve(rig.Request("ALICE"), held.ApprovalId!.Value)), StringComparison.Ordinal);
        var approved = rig.Lifecycle.Approve(rig.Request("bob"), held.ApprovalId!.Value);
        Assert.Equal(("approved", "done", 61_500L), (approved.Status, approved.Refund!.Status, approved.Refund.PaidOutFen));
        Assert.Contains("already approved by bob", Refused(() => rig.Lifecycle.Approve(rig.Request("carol"), held.ApprovalId.Value)), StringComparison.Ordinal);
        Assert.Equal(CardStatus.Cancelled, rig.World.Card(card).Status);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Adjust_SmallCreditedAtOnceLargeHeldThenDeclined(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(100);

        var small = rig.Lifecycle.Adjust(rig.Request("alice"), card.Asn, 300, "validator charged twice on route 3");
        var large = rig.Lifecycle.Adjust(rig.Request("alice"), card.Asn, 90_000, "goodwill");
        var declined = rig.Lifecycle.Decline(rig.Request("bob"), large.ApprovalId!.Value);

        Assert.Equal(("done", 300L), (small.Status, rig.TopUps.Credits(card.Asn).Single().AmountFen));
        Assert.Equal(("awaiting-approval", "declined"), (large.Status, declined.Status));
        Assert.Contains("reason is required", Refused(() => rig.Lifecycle.Adjust(rig.Request(), card.Asn, 100, " ")), StringComparison.Ordinal);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Replace_LostCardWithPendingCredits_TheyMoveToTheNewCard(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(5_000);
        rig.Lifecycle.ReportLoss(rig.Request(), card.Asn, LifecycleRig.Zhang);

        // Paid online and credited goodwill before (and after) the loss: the lost card can never write them at an outlet.
        rig.TopUps.Notify("WX-1", card.Asn, 3_000);
        rig.Lifecycle.Adjust(rig.Request("bob"), card.Asn, 500, "charged twice on route 3");
        rig.World.Clock.Now = rig.World.Clock.Now.AddDays(7);
        var replacement = rig.Lifecycle.Replace(rig.Request(), card.Asn, LifecycleRig.Zhang, Outlet);

        var newAsn = Asn.Parse(replacement.NewCard.Asn, "asn");
        Assert.Equal((5_000L, 3_500L), (replacement.RecoveredFen, replacement.TransferredCreditsFen));
        Assert.Equal(
            [("replacement", 5_000L), ("payment", 3_000L), ("adjustment", 500L)],
            rig.TopUps.Credits(newAsn).Where(c => c.Status == PendingCreditStatus.Available).Select(c => (c.Source, c.AmountFen)).OrderByDescending(c => c.AmountFen));
        Assert.All(rig.TopUps.Credits(card.Asn), c => Assert.Equal(PendingCreditStatus.Transferred, c.Status));
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Refund_LostCardWithPendingCredits_PaidOutWithTheRefund(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(2_500);
        rig.Lifecycle.ReportLoss(rig.Request(), card.Asn, LifecycleRig.Zhang);
        rig.TopUps.Notify("WX-2", card.Asn, 800);
        rig.World.Clock.Now = rig.World.Clock.Now.AddDays(7);

        var refund = rig.Lifecycle.Refund(rig.Request(), card.Asn, null, Outlet, LifecycleRig.Zhang);

        Assert.Equal(("done", 800L, 4_800L), (refund.Status, refund.CreditsFen, refund.PaidOutFen));
        Assert.Equal(PendingCreditStatus.Refunded, Assert.Single(rig.TopUps.Credits(card.Asn)).Status);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Approval_TheMakersRequestAnswersWithTheDecision(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(60_000);
        var refundRequest = rig.Request("alice");
        var adjustRequest = rig.Request("alice");
        var held = rig.Lifecycle.Refund(refundRequest, card.Asn, 60_000, Outlet, LifecycleRig.Zhang);
        var heldAdjustment = rig.Lifecycle.Adjust(adjustRequest, card.Asn, 90_000, "goodwill");

        rig.Lifecycle.Decline(rig.Request("bob"), heldAdjustment.ApprovalId!.Value);
        rig.Lifecycle.Approve(rig.Request("bob"), held.ApprovalId!.Value);

        // The outlet holding the card repeats its request to pay out and block it: it learns the refund was done.
        var replay = rig.Lifecycle.Refund(refundRequest, card.Asn, 60_000, Outlet, LifecycleRig.Zhang);
        Assert.Equal(("done", held.ApprovalId, 61_500L), (replay.Status, replay.ApprovalId, replay.PaidOutFen));
        Assert.NotNull(replay.BlacklistVersion);
        Assert.Equal("declined", rig.Lifecycle.Adjust(adjustRequest, card.Asn, 90_000, "goodwill").Status);
        Assert.Contains("other parameters", Refused(() => rig.Lifecycle.Refund(refundRequest, card.Asn, 59_000, Outlet, LifecycleRig.Zhang)), StringComparison.Ordinal);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Refund_HeldCardPresent_ApprovalCheckedAgainstWhatHappenedMeanwhile(string engine)
    {
        using var rig = NewRig(engine);
        var credited = rig.SellRegistered(60_000);
        var lost = rig.SellRegistered(60_000);
        var heldCredited = rig.Lifecycle.Refund(rig.Request("alice"), credited.Asn, 60_000, Outlet, LifecycleRig.Zhang);
        var heldLost = rig.Lifecycle.Refund(rig.Request("alice"), lost.Asn, 60_000, Outlet, LifecycleRig.Zhang);

        rig.TopUps.Notify("WX-3", credited.Asn, 1_000);
        rig.Lifecycle.ReportLoss(rig.Request(), lost.Asn, LifecycleRig.Zhang);

        Assert.Contains("has pending credits", Refused(() => rig.Lifecycle.Approve(rig.Request("bob"), heldCredited.ApprovalId!.Value)), StringComparison.Ordinal);
        Assert.Contains("blocked card is not refunded at the counter", Refused(() => rig.Lifecycle.Approve(rig.Request("bob"), heldLost.ApprovalId!.Value)), StringComparison.Ordinal);
        Assert.Equal((CardStatus.Active, CardStatus.Lost), (rig.World.Card(credited).Status, rig.World.Card(lost).Status));
        Assert.Equal(2, rig.Lifecycle.PendingApprovals().Count);

        // A lost card's refund approved for one payout is not carried out for another (a payment arrived since).
        var other = rig.SellRegistered(60_000);
        rig.Lifecycle.ReportLoss(rig.Request(), other.Asn, LifecycleRig.Zhang);
        rig.World.Clock.Now = rig.World.Clock.Now.AddDays(7);
        var heldLostRefund = rig.Lifecycle.Refund(rig.Request("alice"), other.Asn, null, Outlet, LifecycleRig.Zhang);
        rig.TopUps.Notify("WX-4", other.Asn, 700);
        Assert.Contains("would now pay out 62200 fen, not the 61500 fen that were approved", Refused(() => rig.Lifecycle.Approve(rig.Request("bob"), heldLostRefund.ApprovalId!.Value)), StringComparison.Ordinal);
        rig.World.Clock.Now = rig.World.Clock.Now.AddDays(-7);

        // A goodwill credit held while the card was replaced would land on the closed card, where no outlet can write it.
        var heldAdjustment = rig.Lifecycle.Adjust(rig.Request("alice"), lost.Asn, 90_000, "goodwill");
        rig.World.Clock.Now = rig.World.Clock.Now.AddDays(7);
        rig.Lifecycle.Replace(rig.Request(), lost.Asn, LifecycleRig.Zhang, Outlet);
        Assert.Contains("was closed (replaced) while the adjustment waited", Refused(() => rig.Lifecycle.Approve(rig.Request("bob"), heldAdjustment.ApprovalId!.Value)), StringComparison.Ordinal);
        Assert.Empty(rig.TopUps.Credits(lost.Asn));
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void RegistryUnblockAndCancel_OfALifecycleCard_Refused(string engine)
    {
        using var rig = NewRig(engine);
        var lost = rig.SellRegistered(1_000);
        var refunded = rig.SellRegistered(1_000);
        rig.Lifecycle.ReportLoss(rig.Request(), lost.Asn, LifecycleRig.Zhang);
        rig.Lifecycle.Refund(rig.Request(), refunded.Asn, 1_000, Outlet, LifecycleRig.Zhang);

        // Until 2026-11-26 'centre card found' took the holder's lost card off the blacklist and left its loss report
        // standing (neither 'cards lost' nor 'cards found' took it any more), and put a closed card back in the terminals.
        Assert.Contains("withdraw the report with 'citycard cards found'", Refused(() => rig.World.Registry.Unblock(lost.Asn, "found")), StringComparison.Ordinal);
        Assert.Contains("stays on the blacklist for good", Refused(() => rig.World.Registry.Unblock(refunded.Asn, "found")), StringComparison.Ordinal);
        Assert.Equal((CardStatus.Lost, CardStatus.Cancelled), (rig.World.Card(lost).Status, rig.World.Card(refunded).Status));
        Assert.NotNull(rig.World.Card(lost).BlacklistedVersion);
        Assert.NotNull(rig.World.Card(refunded).BlacklistedVersion);
        rig.Lifecycle.Found(rig.Request(), lost.Asn, LifecycleRig.Zhang);

        // 'centre card cancel' stopped a sold card's records without paying out its deposit or listing it for the terminals.
        Assert.Contains("close it with 'citycard cards refund'", Refused(() => rig.World.Registry.Cancel(lost.Asn)), StringComparison.Ordinal);
        Assert.Contains("already closed (refunded)", Refused(() => rig.World.Registry.Cancel(refunded.Asn)), StringComparison.Ordinal);
        Assert.Equal(CardStatus.Active, rig.World.Card(lost).Status);
        rig.AssertAuditOk();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void OperatorLog_EntryAlteredOrRemoved_AuditFails(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(1_000);
        rig.Lifecycle.ReportLoss(rig.Request(), card.Asn, LifecycleRig.Zhang);
        rig.Lifecycle.Found(rig.Request(), card.Asn, LifecycleRig.Zhang);
        rig.AssertAuditOk();
        var db = rig.World.Database;
        Assert.ThrowsAny<Exception>(() => db.ExecuteRaw("UPDATE operator_log SET operator = 'mallory' WHERE sequence = 2"));

        // Someone with the rights to drop the trigger edits the log: the chain shows it.
        db.ExecuteRaw(engine == "sqlite" ? "DROP TRIGGER operator_log_no_update" : "DROP TRIGGER operator_log_append_only ON operator_log");
        db.ExecuteRaw("UPDATE operator_log SET operator = 'mallory' WHERE sequence = 2");
        var altered = db.Store.Read(r => r.Audit());
        Assert.False(altered.Ok);
        Assert.Contains(Invariant(altered, 7).Differences, d => d.Contains("entry 2 was altered", StringComparison.Ordinal));

        if (engine == "sqlite")
        {
            db.ExecuteRaw("DROP TRIGGER operator_log_no_delete");
        }

        db.ExecuteRaw("DELETE FROM operator_log WHERE sequence = 2");
        var removed = db.Store.Read(r => r.Audit());
        Assert.Contains(Invariant(removed, 7).Differences, d => d.Contains("entry 2 is missing", StringComparison.Ordinal));
        db.ExecuteRaw("DELETE FROM operator_log WHERE sequence = 3");
        Assert.Contains(Invariant(db.Store.Read(r => r.Audit()), 7).Differences, d => d.Contains("recorded head is entry 3", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void RenewAndChangeProduct_ConcessionDateAndDepositDifference(string engine)
    {
        using var rig = NewRig(engine);
        var card = rig.SellRegistered(0, "student");
        rig.World.Clock.Now = rig.World.Clock.Now.AddDays(400);

        Assert.False(CardLifecycle.ConcessionApplies(rig.Lifecycle.Profile(card.Asn)!, Today.AddDays(400)));
        var renewed = rig.Lifecycle.Renew(rig.Request(), card.Asn, LifecycleRig.Zhang);
        Assert.Equal(Today.AddDays(400).AddMonths(12), renewed.ConcessionValidUntil);
        Assert.True(CardLifecycle.ConcessionApplies(rig.Lifecycle.Profile(card.Asn)!, Today.AddDays(400)));

        var changed = rig.Lifecycle.ChangeProduct(rig.Request(), card.Asn, "registered", Outlet, LifecycleRig.Zhang);

        Assert.Equal(("ordinary", (byte)1, 1_000L, (DateOnly?)null), (changed.CardType, changed.CardTypeCode, changed.DepositDifferenceFen, changed.ConcessionValidUntil));
        Assert.Equal((2_000L, (byte)1), (rig.World.Card(card).DepositFen, rig.World.Card(card).CardType));
        Assert.Contains("no concession to renew", Refused(() => rig.Lifecycle.Renew(rig.Request(), card.Asn, LifecycleRig.Zhang)), StringComparison.Ordinal);
        Assert.Contains("already a registered card", Refused(() => rig.Lifecycle.ChangeProduct(rig.Request(), card.Asn, "registered", Outlet, LifecycleRig.Zhang)), StringComparison.Ordinal);
        rig.AssertAuditOk();
    }

    internal static string Refused(Action action) => Assert.Throws<ClearingInputException>(action).Message;

    internal static InvariantResult Invariant(AuditReport report, int number) => report.Invariants.Single(i => i.Number == number);

    private LifecycleRig NewRig(string engine) => new(TestDatabase.Create(engine, server));
}
