using CityCard.Cards.Application;
using CityCard.Cards.Cos;
using CityCard.Cards.Issuance;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CsCheck;
using static CityCard.Cards.Tests.Support.T;

namespace CityCard.Cards.Tests.Issuance;

/// <summary>ASN check digits and personalisation.</summary>
public sealed class IssuanceTests
{
    [Theory]
    [InlineData("2144", 1L, "2144000000000011")]
    [InlineData("2144", 12345678901L, "2144123456789018")]
    [InlineData("1000", 0L, "1000000000000008")]
    public void Create_KnownSerials_LuhnCheckDigit(string city, long serial, string expected)
    {
        var asn = AsnNumbering.Create(CityCode.Parse(city, "city"), serial);

        Assert.Equal(expected, asn.ToString());
        Assert.True(AsnNumbering.IsValid(asn));
    }

    [Fact]
    public void CreateThenValidate_AnySerial_ValidAndAnySingleDigitChangeIsDetected()
    {
        Gen.Select(Gen.Long[0, AsnNumbering.MaxSerial], Gen.Int[0, 15], Gen.Int[1, 9]).Sample((serial, position, delta) =>
        {
            var digits = AsnNumbering.Create(DemoKeySet.HomeCity, serial).ToString().ToCharArray();
            Assert.True(AsnNumbering.IsValid(Asn.Parse(new string(digits), "asn")));
            digits[position] = (char)('0' + ((digits[position] - '0' + delta) % 10));
            Assert.False(AsnNumbering.IsValid(Asn.Parse(new string(digits), "asn")));
        });
    }

    [Theory]
    [InlineData("2144000000000001", "wrong check digit (expected 3)")]
    [InlineData("21440000000000A3", "a CityCard number has 16 decimal digits")]
    public void Issue_BadAsn_RefusedNamingTheProblem(string asn, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => CardIssuer.Demo().Issue(Request() with { Asn = Asn.Parse(asn, "asn") }));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CardType.Ordinary, "01")]
    [InlineData(CardType.Student, "02")]
    [InlineData(CardType.Elder, "03")]
    [InlineData(CardType.Disabled, "04")]
    [InlineData(CardType.Staff, "05")]
    public void Issue_CardType_WrittenInEf0015Byte28(CardType type, string code)
    {
        var card = CardIssuer.Demo().Issue(Request(type: type));

        Assert.Equal(code + "00", X(card.PublicInfo.ToBytes().AsSpan(28)));
        Assert.Equal(type, CardTypes.Parse(type.Name(), "type"));
    }

    [Fact]
    public void Issue_Defaults_Ef0015LayoutAndDemoKeysTwoLevels()
    {
        var card = CardIssuer.Demo(EpAlgorithm.Sm4).Issue(Request(serial: 42));

        Assert.Equal("21442144000000000101000021440000000004252025010120341231" + "0100", X(card.PublicInfo.ToBytes()));
        Assert.Equal((EpAlgorithm.Sm4, (byte)1, new PurseState(0, 0, 0, 0), false, 3), (card.Algorithm, card.KeyVersion, card.Purse, card.IsBlocked, card.PinTriesRemaining));
        Assert.Empty(card.History);
        var expected = Demo(EpAlgorithm.Sm4).Master(KeyRole.Purchase).Diversify(DemoKeySet.HomeCity.DiversificationFactor()).Diversify(card.Asn.ToBytes());
        Assert.Equal(X(expected.ExportBytes()), X(KeysOf(card).Purchase.ExportBytes()));
    }

    [Theory]
    [InlineData("123", "pin: expected 4 to 12 decimal digits")]
    [InlineData("12345a", "pin: expected 4 to 12 decimal digits")]
    public void Issue_BadPin_Refused(string pin, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => CardIssuer.Demo().Issue(Request() with { Pin = pin }));

        Assert.StartsWith(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 10, "OverdraftLimit")]
    [InlineData(16_777_216, 10, "OverdraftLimit")]
    [InlineData(0, 9, "HistoryRecordCount")]
    [InlineData(0, 256, "HistoryRecordCount")]
    public void Issue_OutOfRange_RefusedNamingTheValue(int overdraft, int history, string name)
    {
        var error = Assert.Throws<ArgumentException>(() => CardIssuer.Demo().Issue(Request(overdraft: overdraft, history: history)));

        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public void Issue_ValidUntilBeforeValidFrom_Refused()
    {
        var request = Request() with { ValidUntil = new DateOnly(2024, 12, 31) };

        Assert.Throws<ArgumentException>(() => CardIssuer.Demo().Issue(request));
    }

    [Fact]
    public void Cardholder_NameTooLongForTwentyBytes_Refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new Cardholder("一二三四五六七八九十一", "1", CertificateType.Passport));

        Assert.Contains("at most 20 bytes in GBK", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_Cardholder_Ef0016IsGbkNameAsciiIdAndType()
    {
        var card = CardIssuer.Demo().Issue(Request() with { Cardholder = new Cardholder("王五", "G1234567", CertificateType.Passport, isStaff: true) });

        var bytes = X(card.Cardholder.ToBytes());

        Assert.Equal("0001" + "CDF5CEE5" + new string('0', 32) + "4731323334353637" + new string('0', 48) + "02", bytes);
    }
}
