using System.Globalization;
using CityCard.Cards.Application;
using CityCard.Cards.Chip;
using CityCard.Cards.Cos;
using CityCard.Cards.Issuance;
using CityCard.Cards.Psam;
using CityCard.Cards.Transactions;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Storage;
using CityCard.Clearing.Verification;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Simulation.Presets;
using CityCard.Simulation.World;
using CityCard.Terminals.Bus;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;
using CityCard.Terminals.Door;
using CityCard.Terminals.Kiosk;
using CityCard.Terminals.Outlet;
using CityCard.Terminals.Parameters;
using CityCard.Terminals.Pos;
using CityCard.Terminals.Taxi;

namespace CityCard.Simulation;

/// <summary>
/// A seeded simulation of a city's days through the real code: software cards with their own keys and counters, PSAMs,
/// terminals with journals and signed batch files, taxi collectors, and the clearing centre's pipeline, ledger and
/// settlement. Faults are injected at the places they happen in life (the card's field, the terminal process, the
/// network, the card itself); the ground truth is counted alongside, and checked against the centre after each day.
/// The same seed and options give the same batch and settlement files.
/// </summary>
public sealed partial class CitySimulation : IDisposable
{
    private const uint BusOperator = 1;
    private const uint CardCompany = 10;
    private const uint UtilityBase = 100;
    private const uint MerchantBase = 1000;
    private const uint TaxiCompanyBase = 3000;
    private const uint CanteenBase = 4000;
    private const uint EmployerBase = 4500;
    private static readonly string[] Categories = ["transport", "department store", "supermarket", "restaurant", "culture", "medical", "home", "clothing", "gas", "water and power", "fuel"];
    private static readonly string[] Utilities = ["water", "electricity", "gas", "heating"];

    private readonly CityPreset preset;
    private readonly FaultRates faults;
    private readonly int seed;
    private readonly string output;
    private readonly IClearingStore store;
    private readonly SimClock clock;
    private readonly IssuerKeySet desKeys = DemoKeySet.Create(EpAlgorithm.Des);
    private readonly IssuerKeySet sm4Keys = DemoKeySet.Create(EpAlgorithm.Sm4);
    private readonly List<SimCard> cards = [];
    private readonly List<SimTerminal> terminals = [];
    private readonly List<List<SimTerminal>> buses = [];
    private readonly List<SimTerminal> pos = [];
    private readonly List<SimTerminal> canteens = [];
    private readonly List<SimTerminal> taxis = [];
    private readonly List<SimTerminal> collectors = [];
    private readonly List<SimTerminal> outlets = [];
    private readonly List<SimTerminal> kiosks = [];
    private readonly List<SimTerminal> doors = [];
    private readonly List<(byte[] File, string Name)> lateQueue = [];
    private readonly HashSet<string> lostOnce = [];
    private readonly CentreRegistry registry;
    private readonly ClearingService clearing;
    private readonly SettlementService settlement;
    private readonly MultiLoadAuthority loadAuthority;
    private readonly Clearing.Loads.OnlineLoads onlineLoads;
    private readonly Clearing.Lifecycle.CardLifecycle lifecycle;
    private readonly Clearing.Lifecycle.OnlineTopUps topUps;
    private readonly HashSet<long> creditIds = [];
    private readonly string billsPath;
    private readonly Server.Parameters.ParameterPublisher publisher;
    private int nextPickupSecond = int.MaxValue;
    private long nextSerial = 1;

    /// <summary>Builds the city: registers operators, merchants, devices and cards at the centre and installs every terminal.</summary>
    public CitySimulation(CityPreset preset, FaultRates faults, int seed, string outputDirectory, IClearingStore store, DateOnly firstDay)
    {
        this.preset = preset ?? throw new ArgumentNullException(nameof(preset));
        this.faults = faults ?? throw new ArgumentNullException(nameof(faults));
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.seed = seed;
        output = outputDirectory;
        FirstDay = firstDay;
        clock = new SimClock(new DateTimeOffset(firstDay.ToDateTime(new TimeOnly(5, 0)), TimeSpan.FromHours(8)));
        registry = new CentreRegistry(store, clock);
        clearing = new ClearingService(store, desKeys, TacKeyRing.Demo(), clock);
        settlement = new SettlementService(store, clock);
        loadAuthority = new MultiLoadAuthority([desKeys, sm4Keys], clock);
        onlineLoads = new Clearing.Loads.OnlineLoads(store, [desKeys, sm4Keys], clock);
        var catalog = Clearing.Lifecycle.ProductCatalog.Default;
        catalog = catalog.WithPolicy(catalog.Policy with { WaitingPeriodDays = preset.LossWaitingDays });
        lifecycle = new Clearing.Lifecycle.CardLifecycle(store, catalog, clock);
        topUps = new Clearing.Lifecycle.OnlineTopUps(store, catalog.Policy, clock);
        publisher = new Server.Parameters.ParameterPublisher(store, ParameterSigningKey.Demo(), clock);
        Directory.CreateDirectory(output);
        billsPath = Path.Combine(output, "bills.json");
        Build();
    }

    /// <summary>The first simulated day.</summary>
    public DateOnly FirstDay { get; }

    /// <summary>Ground truth so far.</summary>
    public GroundTruth Truth { get; } = new();

    /// <summary>The centre's outcome totals over every first ingestion so far.</summary>
    public OutcomeTotals CentreTotals { get; private set; } = new();

    /// <summary>Files the centre refused (tampered in transit).</summary>
    public int RefusedFiles { get; private set; }

    /// <summary>Re-uploads the centre recognised as already received.</summary>
    public int ReplayedUploads { get; private set; }

    /// <summary>Number of cards.</summary>
    public int CardCount => cards.Count;

    /// <summary>Number of terminals.</summary>
    public int TerminalCount => terminals.Count;

    /// <summary>Cards that were cloned (their records may be flagged suspect).</summary>
    public HashSet<Asn> ClonedCards { get; } = [];

    /// <summary>Revenue (accepted purchase amounts at terminals) by operator id, fen.</summary>
    public Dictionary<uint, long> RevenueByOperator { get; } = [];

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var terminal in terminals)
        {
            terminal.Core.Dispose();
        }
    }

    // Deterministic across processes (HashCode.Combine is randomised per process, so it is not used here).
    private Random Stream(string purpose, int index = 0) =>
        new(unchecked((seed * 1_000_003) ^ (StableHash(purpose) * 7_919) ^ (index * 104_729)) & int.MaxValue);

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}
