using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Settlement;

namespace CityCard.Clearing.Tests.Pipeline;

public sealed class ReasonCodeTests
{
    [Fact]
    public void EveryReason_BelongsToExactlyOneOutcome()
    {
        foreach (var reason in Enum.GetValues<ReasonCode>())
        {
            Assert.True(Enum.IsDefined(reason.Outcome()), reason.ToString());
        }

        Assert.Equal("bad-tac", ReasonCode.BadTac.Name());
        Assert.Equal(RecordOutcome.Suspect, ReasonCode.ClonedCard.Outcome());
        Assert.Equal(RecordOutcome.Duplicate, ReasonCode.DuplicateRecord.Outcome());
    }

    [Theory]
    [InlineData("00:00", 2026, 11, 20, 23, 59, "2026-11-20")]
    [InlineData("00:00", 2026, 11, 21, 0, 0, "2026-11-21")]
    [InlineData("04:00", 2026, 11, 21, 3, 59, "2026-11-20")]
    [InlineData("04:00", 2026, 11, 21, 4, 0, "2026-11-21")]
    public void BusinessCalendar_CutOff_DecidesTheDay(string cutOff, int year, int month, int day, int hour, int minute, string expected)
    {
        var calendar = new BusinessCalendar(BusinessCalendar.ParseCutOff(cutOff, "cutoff"));
        var chinaTime = new DateTimeOffset(year, month, day, hour, minute, 0, BusinessCalendar.ChinaOffset);
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), calendar.DayOf(chinaTime));
    }
}
