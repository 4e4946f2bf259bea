using CityCard.Cards.Application;
using CityCard.Cards.Cos;
using CityCard.Cards.Psam;
using CityCard.Cards.Tests.Support;
using CityCard.Cards.Transactions;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using static CityCard.Cards.Tests.Support.T;

namespace CityCard.Cards.Tests.Scenarios;

/// <summary>STANDARDS.md §6.3 scenarios A, B and C replayed APDU for APDU against the software card and PSAM.</summary>
public sealed class ScenarioReplayTests
{
    private const string Mpk = "000102030405060708090A0B0C0D0E0F";
    private const string Mtk = "101112131415161718191A1B1C1D1E1F";
    private const string Mlk = "202122232425262728292A2B2C2D2E2F";
    private const string OtherKey = "303132333435363738393A3B3C3D3E3F";
    private static readonly byte[] CityFactor = H("2144FF0000000000");
    private static readonly Asn AsnA = Asn.Parse("2144000000000001", "asn");

    [Fact]
    public void ScenarioA_Purchase_ReplaysByteForByte()
    {
        var (card, psam) = ScenarioACardAndPsam();

        Assert.Equal("9000", X(card.Transmit(H("00A4040009A00000000386980701")).AsSpan()[^2..]));
        Assert.Equal("000000640006000000010047800CF79000", X(card.Transmit(H("805001020B01000000010000000100010F"))));
        Assert.Equal("9000", X(psam.Transmit(H("00A40000021001"))));
        Assert.Equal("00000029CAE4DA989000", X(psam.Transmit(H("807000002447800CF70006000000010620081009140759010021440000000000012144FF000000000008"))));
        Assert.Equal("DB6720A9DD20AE4E9000", X(card.Transmit(H("805401000F0000002920081009140759CAE4DA9808"))));
        Assert.Equal("9000", X(psam.Transmit(H("8072000004DD20AE4E"))));

        Assert.Equal(new PurseState(99, 0, 0, 7), card.Purse);
        Assert.Equal(0x2Au, psam.TransactionSerial);
        Assert.Equal("DD20AE4EDB6720A99000", X(card.Transmit(H("805A0006020007"))));
        Assert.Equal("00060000000000000106000000010001200810091407599000", X(card.Transmit(H("00B201C417"))));
    }

    [Fact]
    public void ScenarioA_PurchaseExchange_SendsExactlyTheReferenceApdus()
    {
        var (card, psam) = ScenarioACardAndPsam();
        var cardLine = new RecordingChannel(card);
        var psamLine = new RecordingChannel(psam);

        var result = new PurchaseExchange(psamLine).Purchase(cardLine, 1, BcdDateTime.Parse("20081009140759", "when"));

        Assert.Equal(PurchaseOutcome.Completed, result.Outcome);
        Assert.Equal(
            ["00A4040009A00000000386980701", "00B095001E", "805001020B01000000010000000100010F", "805401000F0000002920081009140759CAE4DA9808"],
            cardLine.Commands);
        Assert.Equal(
            ["00A40000021001", "00B0960006", "807000002447800CF70006000000010620081009140759010021440000000000012144FF000000000008", "8072000004DD20AE4E"],
            psamLine.Commands);
        Assert.Equal("DB6720A9DD20AE4E9000", cardLine.Responses[^1]);
        var record = result.Record!;
        Assert.Equal((0xDB6720A9u, 0xDD20AE4Eu), (record.Tac, record.Mac2));
        Assert.Equal((AsnA, (ushort)6, 100, 1u, (uint)0x29), (record.Transaction.Asn, record.Transaction.OfflineCounter, record.Transaction.BalanceBefore, record.Transaction.Amount, record.Transaction.Ttsn));
    }

    [Fact]
    public void ScenarioB_Load_ReplaysByteForByte()
    {
        var keys = new CardKeys(
            0x01,
            Des(Mpk).Diversify(CityFactor, AsnA.ToBytes()),
            Des(Mlk).Diversify(AsnA.ToBytes()),
            Des(Mtk).Diversify(CityFactor, AsnA.ToBytes()),
            Des(OtherKey),
            Des(OtherKey));
        var card = SoftCard.Create(
            Personalization(AsnA, new CityCode(0x2144), initialBalance: 1000, onlineCounter: 5, offlineCounter: 0),
            keys,
            new SoftCardOptions { Random = new ScriptedRandom("1A2B3C4D") });

        Assert.Equal(0x9000, Send(card, "00A4040009A00000000386980701"));
        Assert.Equal("000003E8000501001A2B3C4DB61C106E9000", X(card.Transmit(H("805000020B010000271011223344556610"))));
        Assert.Equal("D87055949000", X(card.Transmit(H("805200000B202401011200001DE69E9004"))));

        Assert.Equal(new PurseState(0x2AF8, 0, 6, 0), card.Purse);
        Assert.Equal("1DE69E90D87055949000", X(card.Transmit(H("805A0002020006"))));
        Assert.Equal("00050000000000271002112233445566202401011200009000", X(card.Transmit(H("00B201C417"))));
    }

    [Fact]
    public void ScenarioC_TUnionStyleCappPurchase_ReplaysByteForByte()
    {
        var issuerId = H("01011000FFFFFFFF");
        var asn = Asn.Parse("5170010170907984", "asn");
        var keys = new CardKeys(
            0x01,
            Des(Mpk).Diversify(issuerId, asn.ToBytes()),
            Des(Mlk).Diversify(issuerId, asn.ToBytes()),
            Des(Mtk).Diversify(issuerId, asn.ToBytes()),
            Des(OtherKey),
            Des(OtherKey));
        var personalization = Personalization(asn, new CityCode(0x1000), initialBalance: 5000, onlineCounter: 3, offlineCounter: 0x10) with
        {
            PublicInfo = Personalization(asn, new CityCode(0x1000), 0, 0, 0).PublicInfo with { IssuerCode = 0x0101, IndustryCode = 0xFFFF, Reserved = 0xFFFF },
        };
        var card = SoftCard.Create(personalization, keys, new SoftCardOptions { Random = new ScriptedRandom("11223344") });
        var psam = SoftPsam.Create(TerminalId.Parse("100000000321", "terminal"), [new PsamMasterKey(0x01, Des(Mpk))], 0x102);
        var record = X(CappData(0x5A));

        Assert.Equal("01011000FFFFFFFF", X(card.PublicInfo.ToBytes().AsSpan(0, 8)));
        Assert.Equal(0x9000, Send(card, "00A4040009A00000000386980701"));
        Assert.Equal("0000138800100000000100112233449000", X(card.Transmit(H("805003020B01000002001000000003210F"))));
        Assert.Equal(0x9000, Send(psam, "00A40000021001"));
        Assert.Equal("0000010233F2FDA99000", X(psam.Transmit(H("8070000024112233440010000002000920240520083015010051700101709079840101" + "1000FFFFFFFF08"))));
        Assert.Equal(0x9000, Send(card, "80DC01B830" + record));
        Assert.Equal("B47A67EAD9D8E7C99000", X(card.Transmit(H("805401000F000001022024052008301533F2FDA908"))));
        Assert.Equal(0x9000, Send(psam, "8072000004D9D8E7C9"));

        Assert.Equal(new PurseState(5000 - 0x200, 0, 3, 0x11), card.Purse);
        Assert.Equal(record + "9000", X(card.Transmit(H("00B201BC30"))));
        Assert.Equal("D9D8E7C9B47A67EA9000", X(card.Transmit(H("805A0009020011"))));
    }

    private static (SoftCard Card, SoftPsam Psam) ScenarioACardAndPsam()
    {
        var keys = new CardKeys(
            0x01,
            Des(Mpk).Diversify(CityFactor, AsnA.ToBytes()),
            Des(Mlk).Diversify(CityFactor, AsnA.ToBytes()),
            Des(Mtk).Diversify(CityFactor, AsnA.ToBytes()),
            Des(OtherKey),
            Des(OtherKey));
        var card = SoftCard.Create(
            Personalization(AsnA, new CityCode(0x2144), initialBalance: 100, onlineCounter: 0, offlineCounter: 6),
            keys,
            new SoftCardOptions { Random = new ScriptedRandom("47800CF7") });
        var psam = SoftPsam.Create(PosTerminal, [new PsamMasterKey(0x01, Des(Mpk))], 0x29);
        return (card, psam);
    }

    private static CardPersonalization Personalization(Asn asn, CityCode city, int initialBalance, ushort onlineCounter, ushort offlineCounter) => new()
    {
        PublicInfo = new CardPublicInfo { City = city, Asn = asn, ValidFrom = new DateOnly(2008, 1, 1), ValidUntil = new DateOnly(2030, 12, 31) },
        InitialBalance = initialBalance,
        InitialOnlineCounter = onlineCounter,
        InitialOfflineCounter = offlineCounter,
    };

    private static EpKey Des(string hex) => EpKey.Create(EpAlgorithm.Des, H(hex));
}
