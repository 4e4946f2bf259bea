using CityCard.Terminals.Parameters;

namespace CityCard.Cli.Commands;

/// <summary>The parameters a newly installed command-line terminal starts with (version 1, demo-signed); the centre publishes newer ones.</summary>
internal static class DefaultParameters
{
    public static TerminalParameters Create() => new()
    {
        Version = 1,
        PublishedUtc = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        BlacklistVersion = 1,
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
