namespace CityCard.Clearing.Settlement;

/// <summary>Names and defaults of the settings stored in the database.</summary>
public static class Settings
{
    /// <summary>The business-day cut-off, <c>HH:MM</c> China Standard Time.</summary>
    public const string CutOff = "business-day-cutoff";

    /// <summary>The cut-off when none is stored.</summary>
    public const string DefaultCutOff = "00:00";

    /// <summary>The waiting period, in whole days, after which a gap still open is reported (<c>centre gaps</c>, the audit).</summary>
    public const string GapWaitingDays = "gap-waiting-days";

    /// <summary>The waiting period when none is stored.</summary>
    public const int DefaultGapWaitingDays = 7;

    /// <summary>The largest waiting period accepted.</summary>
    public const int MaxGapWaitingDays = 3_650;

    /// <summary>The stored gap waiting period in days (the default when none or an unreadable one is stored).</summary>
    public static int GapWaiting(Storage.IClearingReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return int.TryParse(reader.GetSetting(GapWaitingDays), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days) && days <= MaxGapWaitingDays
            ? days
            : DefaultGapWaitingDays;
    }

    /// <summary>The calendar from the stored cut-off.</summary>
    public static BusinessCalendar Calendar(Storage.IClearingReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new BusinessCalendar(BusinessCalendar.ParseCutOff(reader.GetSetting(CutOff) ?? DefaultCutOff, CutOff));
    }
}
