namespace CityCard.Clearing.Settlement;

/// <summary>Names and defaults of the settings stored in the database.</summary>
public static class Settings
{
    /// <summary>The business-day cut-off, <c>HH:MM</c> China Standard Time.</summary>
    public const string CutOff = "business-day-cutoff";

    /// <summary>The cut-off when none is stored.</summary>
    public const string DefaultCutOff = "00:00";

    /// <summary>The calendar from the stored cut-off.</summary>
    public static BusinessCalendar Calendar(Storage.IClearingReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new BusinessCalendar(BusinessCalendar.ParseCutOff(reader.GetSetting(CutOff) ?? DefaultCutOff, CutOff));
    }
}
