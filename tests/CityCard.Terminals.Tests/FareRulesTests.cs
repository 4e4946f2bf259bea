using CityCard.Records;
using CityCard.Terminals.Fares;
using CityCard.Terminals.Parameters;

namespace CityCard.Terminals.Tests;

public sealed class FareRulesTests
{
    [Theory]
    [InlineData(200, 50, 100)]
    [InlineData(199, 50, 100)]
    [InlineData(1, 50, 1)]
    [InlineData(0, 50, 0)]
    [InlineData(333, 0, 0)]
    [InlineData(333, 100, 333)]
    public void Percent_RoundsHalfUpToTheFen(long fen, int percent, long expected) =>
        Assert.Equal(expected, FareRules.Percent(fen, percent));

    [Theory]
    [InlineData("student", "08:00", 50)]
    [InlineData("elder", "10:00", 0)]
    [InlineData("elder", "07:00", 100)]
    [InlineData("elder", "08:59", 100)]
    [InlineData("elder", "09:00", 0)]
    [InlineData("ordinary", "10:00", 100)]
    public void Concession_ByCardTypeAndPeak(string type, string time, int expected) =>
        Assert.Equal(expected, FareRules.ConcessionPayPercent(Rig.DefaultParameters(), type, TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(0, 100)]
    [InlineData(5, 100)]
    [InlineData(6, 120)]
    [InlineData(20, 400)]
    [InlineData(200, 400)]
    public void DistanceFare_BaseThenPerStopThenCap(int stops, long expected) =>
        Assert.Equal(expected, FareRules.DistanceFare(new DistanceLine { Line = 1, BaseFareFen = 100, BaseStops = 5, PerStopFen = 20, MaxFareFen = 400 }, stops));

    [Theory]
    [InlineData(0, 0, "12:00", 500)]
    [InlineData(2500, 0, "12:00", 500)]
    [InlineData(2501, 0, "12:00", 565)]
    [InlineData(3000, 0, "12:00", 565)]
    [InlineData(3001, 0, "12:00", 630)]
    [InlineData(2500, 61, "12:00", 580)]
    [InlineData(2500, 0, "22:00", 600)]
    [InlineData(2500, 0, "04:59", 600)]
    [InlineData(2500, 0, "05:00", 500)]
    public void TaxiFare_FlagFallDistanceWaitingNight(int metres, int waiting, string start, long expected) =>
        Assert.Equal(expected, FareRules.TaxiFare(new TaxiTariff(), metres, waiting, TimeOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(500u, "12:00", 1000, 900, DiscountKind.MerchantDiscount)]
    [InlineData(500u, "10:59", 1000, 1000, DiscountKind.None)]
    [InlineData(500u, "14:00", 1000, 1000, DiscountKind.None)]
    [InlineData(501u, "12:00", 1000, 1000, DiscountKind.None)]
    public void MerchantPrice_ByMerchantAndWindow(uint merchant, string time, long price, long expected, DiscountKind kind)
    {
        var (charged, discount) = FareRules.MerchantPrice(Rig.DefaultParameters(), merchant, "ordinary", TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture), price);
        Assert.Equal(expected, charged);
        Assert.Equal(kind, discount);
    }

    [Fact]
    public void MerchantPrice_FixedDiscountNeverBelowZero()
    {
        var parameters = Rig.DefaultParameters() with { MerchantDiscounts = [new MerchantDiscountRule { MerchantId = 1, FixedOffFen = 500 }] };
        Assert.Equal(0, FareRules.MerchantPrice(parameters, 1, "ordinary", new TimeOnly(12, 0), 300).ChargedFen);
    }
}
