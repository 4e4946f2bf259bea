using CityCard.Cards.Apdu;
using CityCard.Cards.Application;
using CityCard.Cards.Chip;
using CityCard.Cards.Cos;
using CityCard.Cards.Issuance;
using CityCard.Cards.Psam;
using CityCard.Cards.Transactions;
using CityCard.Security;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Cards.Tests.Support;

/// <summary>Short helpers shared by the tests: hex, demo cards and PSAMs, funded cards, status words.</summary>
internal static class T
{
    public static readonly TerminalId PosTerminal = TerminalId.Parse("000000010001", "terminal");
    public static readonly TerminalId LoadTerminal = TerminalId.Parse("112233445566", "terminal");
    public static readonly BcdDateTime Noon = BcdDateTime.Parse("20250315120000", "when");
    public static readonly DateTimeOffset HostInstant = new(2025, 3, 15, 4, 0, 0, TimeSpan.Zero);

    public static byte[] H(string hex) => Hex.Parse(hex, "test");

    public static string X(ReadOnlySpan<byte> bytes) => Hex.Format(bytes);

    public static string X(uint value) => Hex.Format(value);

    public static ushort Sw(byte[] response) => new ResponseApdu(response).StatusWord;

    public static ushort Send(IApduChannel channel, string hex) => Sw(channel.Transmit(H(hex)));

    public static IssuerKeySet Demo(EpAlgorithm algorithm) => DemoKeySet.Create(algorithm);

    public static Asn AsnOf(long serial) => AsnNumbering.Create(DemoKeySet.HomeCity, serial);

    public static CardIssueRequest Request(long serial = 1, int overdraft = 0, int history = 10, CardType type = CardType.Ordinary) => new()
    {
        Asn = AsnOf(serial),
        ValidFrom = new DateOnly(2025, 1, 1),
        ValidUntil = new DateOnly(2034, 12, 31),
        CardType = type,
        OverdraftLimit = overdraft,
        HistoryRecordCount = history,
    };

    public static SoftCard NewCard(EpAlgorithm algorithm = EpAlgorithm.Des, int overdraft = 0, int history = 10, IRandomSource? random = null, long serial = 1) =>
        new CardIssuer(Demo(algorithm)).Issue(Request(serial, overdraft, history), new SoftCardOptions { Random = random ?? new SeededRandomSource(1) });

    public static SoftPsam NewPsam(uint serial = 1) => SoftPsam.Create(PosTerminal, [Demo(EpAlgorithm.Des), Demo(EpAlgorithm.Sm4)], serial);

    public static LoadExchange Loader(EpAlgorithm algorithm) =>
        new(new IssuerLoadAuthority(Demo(algorithm), new FixedClock(HostInstant)), LoadTerminal);

    public static SoftCard FundedCard(EpAlgorithm algorithm = EpAlgorithm.Des, uint amount = 10_000, int overdraft = 0, int history = 10)
    {
        var card = NewCard(algorithm, overdraft, history);
        var result = Loader(algorithm).Load(card, amount);
        Assert.Equal(LoadOutcome.Completed, result.Outcome);
        return card;
    }

    public static CardKeys KeysOf(SoftCard card) => Demo(card.Algorithm).DeriveCardKeys(card.PublicInfo.City, card.Asn);

    public static byte[] CappData(byte fill) => Enumerable.Repeat(fill, CityCardApplication.CappRecordLength).ToArray();
}
