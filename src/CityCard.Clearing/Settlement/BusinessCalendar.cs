using System.Globalization;

namespace CityCard.Clearing.Settlement;

/// <summary>
/// Business days in China Standard Time (UTC+8, no daylight saving) with a cut-off: an instant belongs to the day whose
/// cut-off it follows, so with a 04:00 cut-off, 02:30 on the 21st is still the 20th's business day.
/// </summary>
public sealed class BusinessCalendar
{
    /// <summary>China Standard Time's offset from UTC.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>Creates a calendar with a cut-off time of day (00:00 inclusive to 24:00 exclusive).</summary>
    public BusinessCalendar(TimeSpan cutOff)
    {
        if (cutOff < TimeSpan.Zero || cutOff >= TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(cutOff), cutOff, "cut-off: a time of day 00:00..23:59");
        }

        CutOff = cutOff;
    }

    /// <summary>The cut-off time of day, China Standard Time.</summary>
    public TimeSpan CutOff { get; }

    /// <summary>The business day of an instant.</summary>
    public DateOnly DayOf(DateTimeOffset instant) => DayOfLocal(instant.UtcDateTime + ChinaOffset);

    /// <summary>The business day of a China Standard Time wall-clock time.</summary>
    public DateOnly DayOfLocal(DateTime chinaTime) => DateOnly.FromDateTime(chinaTime - CutOff);

    /// <summary>Parses <c>HH:MM</c>; the error names the argument.</summary>
    public static TimeSpan ParseCutOff(string text, string argumentName)
    {
        if (!TimeSpan.TryParseExact(text, @"hh\:mm", CultureInfo.InvariantCulture, out var value) || value >= TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"{argumentName}: '{text}' is not a time of day HH:MM", argumentName);
        }

        return value;
    }

    /// <summary>The cut-off as <c>HH:MM</c>.</summary>
    public string FormatCutOff() => CutOff.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
