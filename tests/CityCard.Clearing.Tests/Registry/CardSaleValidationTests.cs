using CityCard.Clearing.Registry;
using CityCard.Clearing.Tests.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Registry;

/// <summary>
/// A sale's figures are checked before anything is stored (<see cref="CentreRegistry.SaleProblem"/>): a balance the
/// card's purse cannot hold, an absurd deposit or an impossible counter is refused naming the field, alone or in a bulk
/// sale, and the audit still runs (an accepted long.MaxValue balance used to make the card-float sum overflow).
/// </summary>
public sealed class CardSaleValidationTests
{
    [Theory]
    [InlineData(long.MaxValue, 0L, 0, 0, "balanceFen: 9223372036854775807 is outside 0..2147483647")]
    [InlineData(100_000_000_000L, 0L, 0, 0, "balanceFen: 100000000000 is outside 0..2147483647")]
    [InlineData(EpPurse.MaxBalanceFen + 1, 0L, 0, 0, "balanceFen: 2147483648 is outside")]
    [InlineData(-1L, 0L, 0, 0, "balanceFen: -1 is outside")]
    [InlineData(0L, long.MaxValue, 0, 0, "depositFen: 9223372036854775807 is outside 0..10000000")]
    [InlineData(long.MaxValue, long.MaxValue, 0, 0, "balanceFen: 9223372036854775807 is outside")]
    [InlineData(0L, -5L, 0, 0, "depositFen: -5 is outside")]
    [InlineData(0L, 0L, 70_000, 0, "offlineCounter: 70000 is outside 0..65535")]
    [InlineData(0L, 0L, 0, -1, "onlineCounter: -1 is outside 0..65535")]
    public void SellCards_ImpossibleFigures_RefusedNamingTheFieldNothingStoredAuditOk(long balanceFen, long depositFen, int offlineCounter, int onlineCounter, string message)
    {
        using var world = new World(TestDatabase.Create("sqlite", null!));
        var good = Sale(1, 0, 1_000, 0, 0);
        var bad = Sale(2, depositFen, balanceFen, offlineCounter, onlineCounter);

        var alone = Assert.Throws<ClearingInputException>(() => world.Registry.SellCard(bad.Asn, bad.City, 1, depositFen, balanceFen, offlineCounter, onlineCounter, Outlet));
        var bulk = Assert.Throws<ClearingInputException>(() => world.Registry.SellCards([good, bad]));

        Assert.Contains($"card {bad.Asn}: {message}", alone.Message, StringComparison.Ordinal);
        Assert.Contains(message, bulk.Message, StringComparison.Ordinal);
        Assert.Null(world.Database.Store.Read(r => r.FindCard(good.Asn)));
        var audit = world.Database.Store.Read(r => r.Audit());
        Assert.True(audit.Ok, audit.ToText());
        Assert.Equal(0, PipelineTests.Figure(audit, 2, "cards"));
    }

    [Fact]
    public void SellCards_PurseLimitAndDepositLimit_AcceptedAuditOk()
    {
        using var world = new World(TestDatabase.Create("sqlite", null!));

        world.Registry.SellCards([Sale(1, CentreRegistry.MaxDepositFen, EpPurse.MaxBalanceFen, ushort.MaxValue, ushort.MaxValue), Sale(2, CentreRegistry.MaxDepositFen, EpPurse.MaxBalanceFen, 0, 0)]);

        var audit = world.Database.Store.Read(r => r.Audit());
        Assert.True(audit.Ok, audit.ToText());
        Assert.Equal(2, PipelineTests.Figure(audit, 2, "cards"));
    }

    private static CardSale Sale(int i, long depositFen, long balanceFen, int offlineCounter, int onlineCounter) =>
        new(new Asn(0x2144_0000_0020_0000UL + (ulong)i), DemoKeySet.HomeCity, 1, depositFen, balanceFen, offlineCounter, onlineCounter, Outlet);
}
