using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Verification;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Clearing.Tests.Support;

/// <summary>
/// A small city on a fresh database: a bus company, a shop, a top-up outlet and a taxi company with one device each,
/// the clearing, registry and settlement services over the demo key sets, and a clock at 2026-11-20 18:00 CST.
/// </summary>
internal sealed class World : IDisposable
{
    public const uint BusCompany = 9;
    public const uint Shop = 11;
    public const uint Outlet = 12;
    public const uint TaxiCompany = 13;
    public const uint BusDevice = 42;
    public const uint ShopDevice = 43;
    public const uint OutletDevice = 44;
    public const uint CollectorDevice = 45;
    public const uint MeterDevice = 46;

    public static readonly TerminalId BusTerminal = new(0x0000_0001_0001);
    public static readonly TerminalId ShopTerminal = new(0x0000_0002_0001);
    public static readonly TerminalId OutletTerminal = new(0x0000_0003_0001);
    public static readonly TerminalId MeterTerminal = new(0x0000_0004_0001);
    public static readonly DateOnly Today = new(2026, 11, 20);

    private ulong nextAsn = 0x2144_0000_0000_0001;

    public World(TestDatabase database)
    {
        Database = database;
        Clock = new ManualClock(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        Keys = DemoKeySet.Create(EpAlgorithm.Des);
        Clearing = new ClearingService(database.Store, Keys, TacKeyRing.Demo(), Clock);
        Registry = new CentreRegistry(database.Store, Clock);
        Settlement = new SettlementService(database.Store, Clock);
        Registry.AddMerchant(BusCompany, "City Bus No. 1", "transport", 300);
        Registry.AddMerchant(Shop, "Corner Shop", "supermarket", 150);
        Registry.AddMerchant(Outlet, "Outlet Jiefang Road", "outlet", 0);
        Registry.AddMerchant(TaxiCompany, "Taxi Co", "taxi", 200);
        Registry.AddDevice(BusDevice, DeviceKind.BusValidator, BusCompany, BusTerminal);
        Registry.AddDevice(ShopDevice, DeviceKind.MerchantPos, Shop, ShopTerminal);
        Registry.AddDevice(OutletDevice, DeviceKind.TopUpOutlet, Outlet, OutletTerminal);
        Registry.AddDevice(CollectorDevice, DeviceKind.TaxiCollector, TaxiCompany, new TerminalId(0));
        Registry.AddDevice(MeterDevice, DeviceKind.TaxiMeter, TaxiCompany, MeterTerminal);
    }

    public TestDatabase Database { get; }

    /// <summary>
    /// Settles a day as a centre does, once the day has ended: the clock is first moved on to an hour after the next
    /// day's cut-off (China Standard Time) when it is earlier than that.
    /// </summary>
    public (SettlementReport Report, bool Replayed) SettleAfterDay(DateOnly day)
    {
        var cutOff = Database.Store.Read(Settings.Calendar).CutOff;
        var ended = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), BusinessCalendar.ChinaOffset) + cutOff + TimeSpan.FromHours(1);
        if (Clock.Now < ended)
        {
            Clock.Now = ended;
        }

        return Settlement.Settle(day);
    }

    public ManualClock Clock { get; }

    public IssuerKeySet Keys { get; }

    public ClearingService Clearing { get; }

    public CentreRegistry Registry { get; }

    public SettlementService Settlement { get; }

    /// <summary>China Standard Time on the test day.</summary>
    public static DateTime At(int hour, int minute = 0, int second = 0) => new(2026, 11, 20, hour, minute, second);

    /// <summary>A card sold at the outlet with a deposit of 20 yuan and the given balance.</summary>
    public TestCard SellCard(long balanceFen, EpAlgorithm algorithm = EpAlgorithm.Des)
    {
        var card = new TestCard(new Asn(nextAsn++), balanceFen, algorithm);
        Registry.SellCard(card.Asn, DemoKeySet.HomeCity, 1, 2_000, balanceFen, 0, 0, Outlet);
        return card;
    }

    public byte[] Batch(uint deviceId, uint batchNumber, params TransactionRecord[] records)
    {
        var (kind, operatorId, terminal) = deviceId switch
        {
            BusDevice => (DeviceKind.BusValidator, BusCompany, BusTerminal),
            ShopDevice => (DeviceKind.MerchantPos, Shop, ShopTerminal),
            OutletDevice => (DeviceKind.TopUpOutlet, Outlet, OutletTerminal),
            CollectorDevice => (DeviceKind.TaxiCollector, TaxiCompany, new TerminalId(0)),
            _ => (DeviceKind.BusValidator, BusCompany, BusTerminal),
        };
        var header = new BatchHeader
        {
            DeviceKind = kind,
            DeviceId = deviceId,
            PsamTerminal = terminal,
            BatchNumber = batchNumber,
            CreatedUtc = Clock.Now,
            OperatorId = operatorId,
            ParameterVersion = 1,
        };
        return BatchCodec.Write(header, records, UploadKeys.Derive(Keys, deviceId));
    }

    public IngestResult Ingest(uint deviceId, uint batchNumber, params TransactionRecord[] records) =>
        Clearing.Ingest(Batch(deviceId, batchNumber, records));

    public CardAccount Card(TestCard card) => Database.Store.Read(r => r.FindCard(card.Asn))!;

    public void Dispose() => Database.Dispose();
}
