namespace CityCard.Terminals.Parameters;

/// <summary>
/// The parameters a terminal is installed with before it has talked to the centre: version 1, the default fares, and an
/// empty blacklist at blacklist version 0 (so a tap recorded on it never claims to know a real blacklist version). The
/// centre treats this exact file as version 1 of its own numbering (docs/terminals.md), so a newly installed terminal
/// can fetch a delta from it.
/// </summary>
public static class FactoryParameters
{
    /// <summary>The factory version.</summary>
    public const uint Version = 1;

    /// <summary>The factory publication instant (fixed, so every installation signs the same bytes).</summary>
    public static readonly DateTimeOffset PublishedUtc = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The factory parameters.</summary>
    public static TerminalParameters Create() => new()
    {
        Version = Version,
        PublishedUtc = PublishedUtc,
        BlacklistVersion = 0,
        Bus = new BusFares
        {
            FlatFareFen = 200,
            TransferWindowMinutes = 90,
            TransferDiscountFen = 100,
            RepeatTapSeconds = 60,
            DistanceLines = [new DistanceLine { Line = 9, BaseFareFen = 100, BaseStops = 5, PerStopFen = 20, MaxFareFen = 400 }],
        },
        Concessions =
        [
            new ConcessionRule { CardType = "student", PayPercent = 50 },
            new ConcessionRule { CardType = "elder", PayPercent = 0, OffPeakOnly = true },
            new ConcessionRule { CardType = "disabled", PayPercent = 0 },
        ],
        MerchantDiscounts = [new MerchantDiscountRule { MerchantId = 500, PercentOff = 10, Window = "11:00-14:00" }],
        Doors = [new DoorRule { DoorId = 1, CardTypes = ["staff"] }],
    };
}
