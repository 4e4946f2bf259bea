using CityCard.Cards.Apdu;
using CityCard.Cards.Application;
using CityCard.Cards.Cos;
using CityCard.Cards.Issuance;
using CityCard.Cards.Psam;
using CityCard.Cards.Transactions;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;
using CityCard.Terminals.Parameters;

namespace CityCard.Terminals.Tests;

/// <summary>A settable clock (terminal time), starting at a China-time instant.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public static ManualClock AtChinaTime(int year, int month, int day, int hour, int minute) =>
        new(new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.FromHours(8)));

    public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>A card in a reader that loses the card after a number of commands (optionally after the card executed the last one).</summary>
internal sealed class FlakyReader(IApduChannel card) : IApduChannel
{
    private int remaining = int.MaxValue;
    private bool executeLast;

    public void LoseAfter(int commands, bool cardExecutesLast)
    {
        remaining = commands;
        executeLast = cardExecutesLast;
    }

    public void Heal() => remaining = int.MaxValue;

    public byte[] Transmit(ReadOnlySpan<byte> command)
    {
        if (remaining == 0)
        {
            throw new CardLostException("card left the field");
        }

        remaining--;
        if (remaining == 0 && executeLast)
        {
            card.Transmit(command);
            throw new CardLostException("card left the field before its answer arrived");
        }

        return card.Transmit(command);
    }
}

/// <summary>Builds demo cards, PSAMs and installed terminals in a temporary folder.</summary>
internal sealed class Rig : IDisposable
{
    public static readonly IssuerKeySet Keys = DemoKeySet.Create(EpAlgorithm.Des);

    public Rig(DateTimeOffset? start = null)
    {
        Folder = Directory.CreateTempSubdirectory("citycard-terminal-").FullName;
        Clock = new ManualClock(start ?? new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(8)));
    }

    public string Folder { get; }

    public ManualClock Clock { get; }

    public static TerminalParameters DefaultParameters(uint version = 1) => new()
    {
        Version = version,
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
        ],
        MerchantDiscounts = [new MerchantDiscountRule { MerchantId = 500, PercentOff = 10, Window = "11:00-14:00" }],
        Doors = [new DoorRule { DoorId = 7, CardTypes = ["staff"] }],
    };

    public static byte[] Signed(TerminalParameters parameters) => ParameterFile.Sign(parameters, ParameterSigningKey.Demo());

    public TerminalCore Install(string name, DeviceKind kind, uint deviceId, ushort line = 0, uint operatorId = 100, TerminalParameters? parameters = null, int batchMaxRecords = 500)
    {
        var directory = Path.Combine(Folder, name);
        TerminalCore.Install(directory, new TerminalConfig
        {
            DeviceId = deviceId,
            Kind = kind,
            OperatorId = operatorId,
            Line = line,
            UploadKey = Hex.Format(UploadKeys.Derive(Keys, deviceId)),
            ParameterPublicKey = Hex.Format(ParameterSigningKey.Demo().PublicKeyBytes()),
            BatchMaxRecords = batchMaxRecords,
        }, Signed(parameters ?? DefaultParameters()));
        return TerminalCore.Open(directory, Clock);
    }

    public static SoftPsam Psam(ulong terminal) => SoftPsam.Create(new TerminalId(terminal), [Keys, DemoKeySet.Create(EpAlgorithm.Sm4)]);

    public SoftCard Card(long serial, long balanceFen, CardType type = CardType.Ordinary, EpAlgorithm algorithm = EpAlgorithm.Des, int overdraftFen = 0, DateOnly? concessionUntil = null)
    {
        var issuer = CardIssuer.Demo(algorithm);
        var card = issuer.Issue(new CardIssueRequest
        {
            Asn = AsnNumbering.Create(DemoKeySet.HomeCity, serial),
            ValidFrom = new DateOnly(2026, 1, 1),
            ValidUntil = new DateOnly(2030, 12, 31),
            CardType = type,
            OverdraftLimit = overdraftFen,
            ConcessionValidUntil = concessionUntil,
        });
        if (balanceFen > 0)
        {
            var load = new LoadExchange(new IssuerLoadAuthority(issuer.KeySet, Clock), new TerminalId(0x999999999999)).Load(card, (uint)balanceFen);
            Assert.True(load.IsCompleted, load.ToString());
        }

        return card;
    }

    public static PurchaseTerminal Purchase(TerminalCore core, ulong psamTerminal) => new(core, Psam(psamTerminal), new MaintenanceKeyBlocker(Keys));

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
