using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Tests.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Security.Ep;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>
/// Free text holding a NUL character (U+0000): PostgreSQL's text cannot hold it (22021, which the server answered with a
/// 500), SQLite stored it. Both engines now refuse it alike, naming the value, and store nothing.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class TextValueTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void NulInFreeText_RefusedNamingTheValueOnBothEnginesAndNothingStored(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(5_000);
        world.Ingest(BusDevice, 1, card.Purchase(100, BusTerminal, BusCompany, At(23)));
        var review = new SuspectReview(world.Database.Store, world.Clock);

        var merchant = Assert.Throws<ClearingInputException>(() => world.Registry.AddMerchant(77, "Shop\0Two", "supermarket", 100));
        var lost = Assert.Throws<ClearingInputException>(() => world.Registry.ReportLost(card.Asn, "left on\0the bus"));
        var reviewed = Assert.Throws<ClearingInputException>(() => review.Decide(BusDevice, 1, 0, ReviewDecision.Reject, "not\0ours", "inspector"));

        Assert.Contains("'Shop\\u0000Two'", merchant.Message, StringComparison.Ordinal);
        Assert.Contains("NUL character (U+0000)", merchant.Message, StringComparison.Ordinal);
        Assert.Contains("'left on\\u0000the bus'", lost.Message, StringComparison.Ordinal);
        Assert.Contains("'not\\u0000ours'", reviewed.Message, StringComparison.Ordinal);
        Assert.Null(world.Database.Store.Read(r => r.FindMerchant(77)));
        Assert.Empty(world.Database.Store.Read(r => r.Blacklist(0)));
        Assert.Equal(RecordOutcome.Suspect, Assert.Single(world.Database.Store.Read(r => r.CardHistory(card.Asn))).Record.Outcome);
        Assert.Empty(world.Database.Store.Read(r => r.OperatorLog(0, 10)));
        PipelineTests.AssertAuditOk(world);
    }
}
