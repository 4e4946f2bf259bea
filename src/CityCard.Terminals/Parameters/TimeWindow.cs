using System.Globalization;

namespace CityCard.Terminals.Parameters;

/// <summary>A daily time window "HH:mm-HH:mm" in local time; it may wrap past midnight (e.g. 22:00-05:00).</summary>
public readonly record struct TimeWindow(TimeOnly Start, TimeOnly End)
{
    /// <summary>Parses "HH:mm-HH:mm".</summary>
    public static bool TryParse(string? text, out TimeWindow window)
    {
        window = default;
        var parts = text?.Split('-');
        if (parts is not { Length: 2 }
            || !TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
        {
            return false;
        }

        window = new TimeWindow(start, end);
        return true;
    }

    /// <summary>Parses or throws naming the text.</summary>
    public static TimeWindow Parse(string text) =>
        TryParse(text, out var window) ? window : throw new FormatException($"'{text}' is not a time window HH:mm-HH:mm");

    /// <summary>True when the time of day falls in the window (start inclusive, end exclusive).</summary>
    public bool Contains(TimeOnly time) => Start <= End ? time >= Start && time < End : time >= Start || time < End;
}
