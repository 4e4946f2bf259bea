using CityCard.Cards.Apdu;
using CsCheck;
using static CityCard.Cards.Tests.Support.T;

namespace CityCard.Cards.Tests.Apdu;

/// <summary>The short-APDU parser and builder, and the status-word helpers.</summary>
public sealed class CommandApduTests
{
    [Theory]
    [InlineData("00A40000", ApduCase.Case1, "", null)]
    [InlineData("805C000204", ApduCase.Case2, "", 4)]
    [InlineData("00B0950000", ApduCase.Case2, "", 256)]
    [InlineData("00A40000023F00", ApduCase.Case3, "3F00", null)]
    [InlineData("805001020B01000000010000000100010F", ApduCase.Case4, "0100000001000000010001", 15)]
    [InlineData("00A404000200FF00", ApduCase.Case4, "00FF", 256)]
    public void TryParse_ShortApdus_CaseDataAndNe(string hex, ApduCase expectedCase, string data, int? ne)
    {
        Assert.True(CommandApdu.TryParse(H(hex), out var apdu));

        Assert.Equal((expectedCase, data, ne), (apdu.Case, X(apdu.Data), apdu.ExpectedLength));
        Assert.Equal(hex, X(CommandApdu.Build(apdu.Cla, apdu.Ins, apdu.P1, apdu.P2, apdu.Data, apdu.ExpectedLength)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00A400")]
    [InlineData("00A40000023F")]
    [InlineData("00A40000023F000000")]
    [InlineData("00A400000000023F00")]
    public void TryParse_NotAShortApdu_False(string hex)
    {
        Assert.False(CommandApdu.TryParse(H(hex), out _));
    }

    [Fact]
    public void TryParse_AnyBytes_NeverThrowsAndRoundTripsWhenParsed()
    {
        Gen.Byte.Array[0, 270].Sample(bytes =>
        {
            if (CommandApdu.TryParse(bytes, out var apdu))
            {
                Assert.Equal(bytes, CommandApdu.Build(apdu.Cla, apdu.Ins, apdu.P1, apdu.P2, apdu.Data, apdu.ExpectedLength));
            }
        });
    }

    [Fact]
    public void Build_TooMuchDataOrBadNe_Refused()
    {
        Assert.Throws<ArgumentException>(() => CommandApdu.Build(0, 0, 0, 0, new byte[256]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CommandApdu.Build(0, 0, 0, 0, default, 257));
        Assert.Throws<ArgumentOutOfRangeException>(() => CommandApdu.Build(0, 0, 0, 0, default, 0));
    }

    [Fact]
    public void ResponseApdu_SplitsDataAndStatusWord_RefusesFewerThanTwoBytes()
    {
        var response = new ResponseApdu(H("0102639C"));

        Assert.Equal(("0102", 0x639C, false), (X(response.Data), (int)response.StatusWord, response.IsSuccess));
        Assert.Throws<ArgumentException>(() => new ResponseApdu([0x90]));
    }

    [Theory]
    [InlineData(0x9000, "success")]
    [InlineData(0x63C2, "wrong PIN, 2 tries left")]
    [InlineData(0x9302, "MAC invalid")]
    [InlineData(0x6F00, "unknown status")]
    public void Describe_StatusWords(int statusWord, string meaning)
    {
        Assert.Equal(meaning, StatusWords.Describe((ushort)statusWord));
    }
}
