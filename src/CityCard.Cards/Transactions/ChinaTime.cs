using CityCard.Security.Ep;

namespace CityCard.Cards.Transactions;

/// <summary>Card time: China Standard Time (UTC+8, no daylight saving), as BCD date-times on cards and in records.</summary>
public static class ChinaTime
{
    /// <summary>The offset of China Standard Time from UTC.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The current card time according to <paramref name="clock"/>.</summary>
    public static BcdDateTime Now(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return FromUtc(clock.GetUtcNow());
    }

    /// <summary>The card time of an instant.</summary>
    public static BcdDateTime FromUtc(DateTimeOffset instant) => new(instant.ToOffset(Offset).DateTime);

    /// <summary>The instant of a card time.</summary>
    public static DateTimeOffset ToUtc(BcdDateTime cardTime) => new DateTimeOffset(cardTime.Value, Offset).ToUniversalTime();
}
