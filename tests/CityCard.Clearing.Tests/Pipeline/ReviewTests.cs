using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Records;
using CityCard.Security.Ep;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Pipeline;

/// <summary>Suspect review on both engines: accept posts the record as cleared, reject keeps it out, both with a reason.</summary>
[Collection(DatabaseGroup.Name)]
public sealed class ReviewTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void Accept_SuspectRecord_PostedClaimedAndSettled(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        world.Ingest(BusDevice, 1, card.Purchase(200, BusTerminal, BusCompany, At(8)), card.Purchase(100, BusTerminal, BusCompany, At(23), DiscountKind.Concession, 200));
        var review = new SuspectReview(world.Database.Store, world.Clock);

        var accepted = review.Decide(BusDevice, 1, 1, ReviewDecision.Accept, "terminal clock was 5 hours fast; confirmed with the operator", "inspector");

        Assert.Equal(ReasonCode.AcceptedOnReview, accepted.Record.Reason);
        Assert.Equal([ReasonCode.Cleared, ReasonCode.AcceptedOnReview], world.Database.Store.Read(r => r.CardHistory(card.Asn)).Select(s => s.Record.Reason));
        Assert.Equal(card.Balance, world.Card(card).ShadowBalanceFen);
        Assert.Equal(2, world.Card(card).OfflineNext);
        var logged = Assert.Single(world.Database.Store.Read(r => r.OperatorLog(0, 10)));
        Assert.Equal(("inspector", "suspect-accept", $"device {BusDevice} batch 1 record 1"), (logged.Operator, logged.Action, logged.Subject));
        Assert.Contains("\"outcome\":\"suspect\"", logged.Before, StringComparison.Ordinal);
        Assert.Contains("terminal clock was 5 hours fast", logged.After, StringComparison.Ordinal);
        PipelineTests.AssertAuditOk(world);
        var (report, _) = world.SettleAfterDay(Today);
        var bus = report.Statements.Single(s => s.MerchantId == BusCompany);
        Assert.Equal((2L, 100L, 400L), (bus.Purchases, bus.ConcessionSubsidyFen, bus.RevenueFen));
        Assert.True(report.Reconciled, string.Join("\n", report.Differences));
        var replay = review.Decide(BusDevice, 1, 1, ReviewDecision.Accept, "terminal clock was 5 hours fast; confirmed with the operator", "inspector");
        Assert.Equal(ReasonCode.AcceptedOnReview, replay.Record.Reason);
        Assert.Equal(card.Balance, world.Card(card).ShadowBalanceFen);
        PipelineTests.AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Reject_SuspectRecord_NothingMovesAndItCannotBeReviewedAgain(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        world.Ingest(BusDevice, 1, card.Purchase(100, BusTerminal, BusCompany, At(23)));
        var review = new SuspectReview(world.Database.Store, world.Clock);

        var rejected = review.Decide(BusDevice, 1, 0, ReviewDecision.Reject, "not ours", "inspector");

        Assert.Equal(RecordOutcome.Rejected, rejected.Record.Outcome);
        Assert.Equal(5_000, world.Card(card).ShadowBalanceFen);
        var again = Assert.Throws<ClearingInputException>(() => review.Decide(BusDevice, 1, 0, ReviewDecision.Accept, "changed my mind", "inspector"));
        Assert.Contains("was already rejected on review ('not ours')", again.Message, StringComparison.Ordinal);

        // The same review repeated (the supervisor's retry after a lost answer): the same answer, nothing logged twice.
        var replay = review.Decide(BusDevice, 1, 0, ReviewDecision.Reject, "not ours ", "inspector");
        Assert.Equal((rejected.Record.Outcome, rejected.Record.Reason, rejected.Record.Key), (replay.Record.Outcome, replay.Record.Reason, replay.Record.Key));
        Assert.Single(world.Database.Store.Read(r => r.OperatorLog(0, 10)));
        PipelineTests.AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Accept_CloneUnknownRecordOrSettledBatch_Refused(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var genuine = card.Purchase(200, BusTerminal, BusCompany, At(8));
        world.Ingest(BusDevice, 1, genuine, card.Sign(genuine with { AmountFen = 900, Ttsn = genuine.Ttsn + 9 }));
        world.Ingest(BusDevice, 2, card.Purchase(100, BusTerminal, BusCompany, At(23)));
        var review = new SuspectReview(world.Database.Store, world.Clock);

        var clone = Assert.Throws<ClearingInputException>(() => review.Decide(BusDevice, 1, 1, ReviewDecision.Accept, "looks fine", "inspector"));
        var missing = Assert.Throws<ClearingInputException>(() => review.Decide(BusDevice, 1, 7, ReviewDecision.Accept, "looks fine", "inspector"));
        var noReason = Assert.Throws<ClearingInputException>(() => review.Decide(BusDevice, 1, 1, ReviewDecision.Reject, " ", "inspector"));
        world.SettleAfterDay(Today);
        var settled = Assert.Throws<ClearingInputException>(() => review.Decide(BusDevice, 2, 0, ReviewDecision.Accept, "late", "inspector"));

        Assert.Contains("cloned record cannot be accepted", clone.Message, StringComparison.Ordinal);
        Assert.Contains("has no record 7", missing.Message, StringComparison.Ordinal);
        Assert.Contains("reason is required", noReason.Message, StringComparison.Ordinal);
        Assert.Contains("was settled on 2026-11-20", settled.Message, StringComparison.Ordinal);
        Assert.Equal(4_800, world.Card(card).ShadowBalanceFen);
        PipelineTests.AssertAuditOk(world);
    }

    private World NewWorld(string engine) => new(TestDatabase.Create(engine, server));
}
