namespace CityCard.Terminals.Parameters;

/// <summary>Taxi tariff: flag fall covering a distance, a rate per km after it, waiting time, and a night surcharge.</summary>
public sealed record TaxiTariff
{
    /// <summary>Flag fall, fen.</summary>
    public long FlagFallFen { get; init; } = 500;

    /// <summary>Distance included in the flag fall, metres.</summary>
    public int FlagFallMetres { get; init; } = 2500;

    /// <summary>Rate per kilometre after that, fen (charged per started 500 m at half the rate).</summary>
    public long PerKmFen { get; init; } = 130;

    /// <summary>Waiting charge per started minute, fen.</summary>
    public long WaitingPerMinuteFen { get; init; } = 40;

    /// <summary>Night surcharge, percent of the metered fare.</summary>
    public int NightSurchargePercent { get; init; } = 20;

    /// <summary>Night window "HH:mm-HH:mm" (local time; may wrap midnight).</summary>
    public string NightWindow { get; init; } = "22:00-05:00";
}
