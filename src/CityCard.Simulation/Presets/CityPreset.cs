namespace CityCard.Simulation.Presets;

/// <summary>A city to simulate: population, network and behaviour. Presets are JSON files (presets/*.json) a user can copy and edit.</summary>
public sealed record CityPreset
{
    /// <summary>Preset name.</summary>
    public required string Name { get; init; }

    /// <summary>What the preset models.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Cards in circulation at the start.</summary>
    public int Cards { get; init; } = 300;

    /// <summary>Share of cards used on a given day.</summary>
    public double ActiveShare { get; init; } = 0.8;

    /// <summary>Share of each card type (ordinary, student, elder, disabled, staff).</summary>
    public IReadOnlyDictionary<string, double> CardTypes { get; init; } = new Dictionary<string, double> { ["ordinary"] = 1.0 };

    /// <summary>Share of cards personalised with SM4 keys (the rest DES).</summary>
    public double Sm4Share { get; init; }

    /// <summary>Range of opening balances, fen.</summary>
    public FenRange OpeningBalanceFen { get; init; } = new(500, 5000);

    /// <summary>Deposit per card, fen.</summary>
    public long DepositFen { get; init; } = 2000;

    /// <summary>Merchants (shops, restaurants, …).</summary>
    public int Merchants { get; init; } = 10;

    /// <summary>Bus routes.</summary>
    public int BusRoutes { get; init; } = 4;

    /// <summary>How many of the routes charge by distance.</summary>
    public int DistanceRoutes { get; init; }

    /// <summary>Stops per route.</summary>
    public int StopsPerRoute { get; init; } = 15;

    /// <summary>Buses (validators) per route.</summary>
    public int BusesPerRoute { get; init; } = 2;

    /// <summary>Taxi companies.</summary>
    public int TaxiCompanies { get; init; } = 1;

    /// <summary>Taxis.</summary>
    public int Taxis { get; init; } = 4;

    /// <summary>Residential communities with utility accounts.</summary>
    public int Communities { get; init; } = 2;

    /// <summary>Households per community.</summary>
    public int HouseholdsPerCommunity { get; init; } = 10;

    /// <summary>Universities (campus canteen and doors).</summary>
    public int Universities { get; init; } = 1;

    /// <summary>Employers with attendance readers.</summary>
    public int Employers { get; init; } = 1;

    /// <summary>Card sale and top-up outlets.</summary>
    public int Outlets { get; init; } = 1;

    /// <summary>Utility kiosks.</summary>
    public int Kiosks { get; init; } = 1;

    /// <summary>Bus trips per active rider per day (home-work-home, with transfers).</summary>
    public double TripsPerRider { get; init; } = 2;

    /// <summary>Shop purchases per active card per day.</summary>
    public double ShopsPerCard { get; init; } = 0.5;

    /// <summary>Share of active cards taking a taxi.</summary>
    public double TaxiShare { get; init; } = 0.05;

    /// <summary>Share of active cards paying a utility bill.</summary>
    public double BillShare { get; init; } = 0.02;

    /// <summary>Cards below this balance top up at an outlet in the evening, fen.</summary>
    public long TopUpBelowFen { get; init; } = 1000;

    /// <summary>New cards sold per day.</summary>
    public int NewCardsPerDay { get; init; }

    /// <summary>Registered cards reported lost per day.</summary>
    public int LossReportsPerDay { get; init; }

    /// <summary>Share of ordinary cards sold as registered (holder's name and ID number kept; can be reported lost). Concession and staff cards are always registered.</summary>
    public double RegisteredShare { get; init; } = 0.4;

    /// <summary>Share of low-balance top-ups paid online (a pending credit written to the card at its next outlet visit).</summary>
    public double OnlineTopUpShare { get; init; } = 0.25;

    /// <summary>Days a lost card waits for late offline uploads before it is replaced (the centre's waiting period).</summary>
    public int LossWaitingDays { get; init; } = 7;

    /// <summary>Terminal batch size limit.</summary>
    public int BatchMaxRecords { get; init; } = 500;

    /// <summary>The same city with counts scaled (at least one of each).</summary>
    public CityPreset Scaled(double scale)
    {
        if (scale is <= 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale is in (0, 10]");
        }

        int S(int value) => Math.Max(1, (int)Math.Round(value * scale));
        return this with
        {
            Cards = S(Cards),
            Merchants = S(Merchants),
            BusRoutes = Math.Max(DistanceRoutes + 1, S(BusRoutes)),
            Taxis = Math.Max(S(TaxiCompanies), S(Taxis)),
            TaxiCompanies = S(TaxiCompanies),
            Communities = S(Communities),
            Outlets = S(Outlets),
            Kiosks = S(Kiosks),
            Employers = S(Employers),
            NewCardsPerDay = (int)Math.Round(NewCardsPerDay * scale),
            LossReportsPerDay = (int)Math.Round(LossReportsPerDay * scale),
        };
    }
}
