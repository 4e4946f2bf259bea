using System.Text.Json;

namespace CityCard.Simulation.Presets;

/// <summary>Loads city presets and fault sets: built-in names (tiny, jilin; none, default) or JSON files.</summary>
public static class PresetCatalog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>A built-in preset name or a JSON file path.</summary>
    public static CityPreset City(string nameOrFile)
    {
        ArgumentNullException.ThrowIfNull(nameOrFile);
        var json = nameOrFile switch
        {
            "tiny" or "jilin" => Resource($"presets/{nameOrFile}.json"),
            _ when File.Exists(nameOrFile) => File.ReadAllText(nameOrFile),
            _ => throw new ArgumentException($"--preset: '{nameOrFile}' is neither a built-in preset (tiny, jilin) nor an existing file", nameof(nameOrFile)),
        };
        var preset = Parse<CityPreset>(json, nameOrFile);
        Validate(preset, nameOrFile);
        return preset;
    }

    /// <summary>A built-in fault set (none, default) or a JSON file path.</summary>
    public static FaultRates Faults(string nameOrFile)
    {
        ArgumentNullException.ThrowIfNull(nameOrFile);
        return nameOrFile switch
        {
            "none" => FaultRates.None,
            "default" => FaultRates.Default,
            _ when File.Exists(nameOrFile) => CheckRates(Parse<FaultRates>(File.ReadAllText(nameOrFile), nameOrFile), nameOrFile),
            _ => throw new ArgumentException($"--faults: '{nameOrFile}' is neither none, default nor an existing file", nameof(nameOrFile)),
        };
    }

    private static T Parse<T>(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw new ArgumentException($"{source}: empty");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{source}: malformed ({e.Message})", e);
        }
    }

    private static void Validate(CityPreset p, string source)
    {
        void Require(bool ok, string problem)
        {
            if (!ok)
            {
                throw new ArgumentException($"{source}: {problem}");
            }
        }

        Require(p.Cards is > 0 and <= 5_000_000, "cards must be 1..5,000,000");
        Require(p.ActiveShare is > 0 and <= 1, "activeShare must be in (0, 1]");
        Require(p.Sm4Share is >= 0 and <= 1, "sm4Share must be in [0, 1]");
        Require(p.CardTypes.Count > 0 && p.CardTypes.Values.All(v => v >= 0) && p.CardTypes.Values.Sum() > 0, "cardTypes needs non-negative shares");
        Require(p.CardTypes.Keys.All(k => k is "ordinary" or "student" or "elder" or "disabled" or "staff"), "cardTypes: ordinary, student, elder, disabled, staff");
        Require(p.OpeningBalanceFen.Min >= 0 && p.OpeningBalanceFen.Max >= p.OpeningBalanceFen.Min && p.OpeningBalanceFen.Max <= 10_000_000, "openingBalanceFen range is wrong");
        Require(p.Merchants >= 1 && p.BusRoutes >= 1 && p.StopsPerRoute >= 2 && p.BusesPerRoute >= 1, "needs at least one merchant, route (2+ stops) and bus");
        Require(p.DistanceRoutes >= 0 && p.DistanceRoutes < p.BusRoutes, "distanceRoutes must be below busRoutes");
        Require(p.TaxiCompanies >= 1 && p.Taxis >= p.TaxiCompanies, "taxis must be at least one per company");
        Require(p.Communities >= 1 && p.HouseholdsPerCommunity >= 1 && p.Universities >= 1 && p.Employers >= 1 && p.Outlets >= 1 && p.Kiosks >= 1, "needs at least one community, university, employer, outlet and kiosk");
        Require(p.TripsPerRider is >= 0 and <= 10 && p.ShopsPerCard is >= 0 and <= 10, "tripsPerRider and shopsPerCard are 0..10");
        Require(p.TaxiShare is >= 0 and <= 1 && p.BillShare is >= 0 and <= 1, "taxiShare and billShare are 0..1");
        Require(p.BatchMaxRecords is >= 1 and <= 100_000, "batchMaxRecords is 1..100000");
        Require(p.RegisteredShare is >= 0 and <= 1 && p.OnlineTopUpShare is >= 0 and <= 1, "registeredShare and onlineTopUpShare are 0..1");
        Require(p.LossWaitingDays is >= 0 and <= 365, "lossWaitingDays is 0..365");
    }

    private static FaultRates CheckRates(FaultRates rates, string source)
    {
        var values = new[] { rates.TornRate, rates.DuplicateUploadRate, rates.LateBatchRate, rates.LostBatchRate, rates.ForgedRecordRate, rates.ClonedCardRate, rates.TamperedBatchRate, rates.TerminalCrashRate, rates.ClockSkewRate, rates.LostCardUseRate, rates.DuplicatePaymentNotificationRate };
        return values.All(v => v is >= 0 and <= 1) ? rates : throw new ArgumentException($"{source}: every fault rate is 0..1");
    }

    private static string Resource(string name)
    {
        using var stream = typeof(PresetCatalog).Assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"missing built-in {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
