using CityCard.Security.Ep;
using CityCard.Security.Macs;
using CityCard.Security.Primitives;
using static CityCard.Security.Tests.Vectors;

namespace CityCard.Security.Tests;

/// <summary>
/// The CityCard SM4 profile (STANDARDS.md §0) over the inputs of scenarios A and B. The expected values were computed
/// independently with Python's <c>cryptography</c> SM4 (tests/vectors/sm4_profile.py), not with this code.
/// </summary>
public sealed class Sm4ProfileTests
{
    private static readonly byte[] CityFactor = H("2144FF0000000000");
    private static readonly byte[] Asn = H("2144000000000001");

    [Fact]
    public void Sm4Purchase_ScenarioAInputs_MatchIndependentComputation()
    {
        var city = Sm4("000102030405060708090A0B0C0D0E0F").Diversify(CityFactor);
        Assert.Equal("37B45233ACCC7C7A82E20D9BEB579019", X(city.ExportBytes()));
        var dpk = city.Diversify(Asn);
        Assert.Equal("906583D2032E22F3BBF01D0420C376F4", X(dpk.ExportBytes()));
        var sespk = EpMacs.PurchaseSessionKey(dpk, 0x47800CF7, 6, 0x29);
        Assert.Equal("F2CD82998DC08D69DB7B4690E921D705", X(sespk.ExportBytes()));
        var terminal = Terminal("000000010001");
        var when = When("20081009140759");
        Assert.Equal("333D6764", X(EpMacs.PurchaseMac1(sespk, 1, TransactionType.Purchase, terminal, when)));
        Assert.Equal("C2AD01AB", X(EpMacs.PurchaseMac2(sespk, 1)));
        var dtk = Sm4("101112131415161718191A1B1C1D1E1F").Diversify(CityFactor, Asn);
        Assert.Equal("79E6EE780BB315ACE2EE90D524C4254F", X(dtk.ExportBytes()));
        Assert.Equal(X(dtk.ExportBytes()), X(dtk.TacKey().ExportBytes()));
        Assert.Equal("FFE5ED08", X(EpMacs.PurchaseTac(dtk.TacKey(), 1, TransactionType.Purchase, terminal, 0x29, when)));
    }

    [Fact]
    public void Sm4Load_ScenarioBInputs_MatchIndependentComputation()
    {
        var dlk = Sm4("202122232425262728292A2B2C2D2E2F").Diversify(Asn);
        Assert.Equal("5F6BD0A3BF9C2586DECCAE6FAB477A17", X(dlk.ExportBytes()));
        var seslk = EpMacs.LoadSessionKey(dlk, 0x1A2B3C4D, 5);
        Assert.Equal("FED8C5AF25A2FD6A8D5F798119919ECB", X(seslk.ExportBytes()));
        var terminal = Terminal("112233445566");
        var when = When("20240101120000");
        Assert.Equal("0EEF60BF", X(EpMacs.LoadMac1(seslk, 0x3E8, 0x2710, TransactionType.Load, terminal)));
        Assert.Equal("7C01F78E", X(EpMacs.LoadMac2(seslk, 0x2710, TransactionType.Load, terminal, when)));
        var dtk = Sm4("101112131415161718191A1B1C1D1E1F").Diversify(CityFactor, Asn);
        Assert.Equal("58E55BCA", X(EpMacs.LoadTac(dtk.TacKey(), 0x2AF8, 5, 0x2710, TransactionType.Load, terminal, when)));
    }

    [Theory]
    [InlineData("00000000000000000000000000000000", "3C8FE711")]
    [InlineData("00000001", "5B9826EE")]
    public void MacSm4_PaddingEdgeCases_MatchIndependentComputation(string data, string expected)
    {
        var key = new Sm4Cipher(H("0123456789ABCDEFFEDCBA9876543210"));
        Assert.Equal(expected, X(IsoMac.MacSm4(key, H(data))));
    }

    [Fact]
    public void Sm4SessionKey_Is16BytesAndDesSessionKeyIs8()
    {
        var input = H("0102030405060708");
        Assert.Equal(16, Sm4("000102030405060708090A0B0C0D0E0F").SessionKey(input).ExportBytes().Length);
        Assert.Equal(8, Des("000102030405060708090A0B0C0D0E0F").SessionKey(input).ExportBytes().Length);
    }
}
