using CityCard.Security.Ep;
using static CityCard.Security.Tests.Vectors;

namespace CityCard.Security.Tests;

/// <summary>STANDARDS.md §6.3 scenarios A, B and C: every intermediate value.</summary>
public sealed class ScenarioVectorTests
{
    private const string Mpk = "000102030405060708090A0B0C0D0E0F";
    private const string Mtk = "101112131415161718191A1B1C1D1E1F";
    private const string Mlk = "202122232425262728292A2B2C2D2E2F";
    private static readonly byte[] CityFactor = H("2144FF0000000000");
    private static readonly byte[] AsnA = H("2144000000000001");

    [Fact]
    public void ScenarioA_Purchase_EveryIntermediateMatches()
    {
        var city = Des(Mpk).Diversify(CityFactor);
        Assert.Equal("75648E5FABEE9AEDE2247BF780D22DD5", X(city.ExportBytes()));
        var dpk = city.Diversify(AsnA);
        Assert.Equal("1B281ED745A7B331A51B63EF5E032597", X(dpk.ExportBytes()));

        var sespk = EpMacs.PurchaseSessionKey(dpk, 0x47800CF7, 0x0006, 0x00000029);
        Assert.Equal("BD216A6EDB9CAAD6", X(sespk.ExportBytes()));

        var terminal = Terminal("000000010001");
        var when = When("20081009140759");
        Assert.Equal("CAE4DA98", X(EpMacs.PurchaseMac1(sespk, 1, TransactionType.Purchase, terminal, when)));
        Assert.Equal("DD20AE4E", X(EpMacs.PurchaseMac2(sespk, 1)));

        var dtk = Des(Mtk).Diversify(CityFactor, AsnA);
        Assert.Equal("23F5C7C81686B020CB467AE96D25599E", X(dtk.ExportBytes()));
        var tacKey = dtk.TacKey();
        Assert.Equal("E8B3BD217BA3E9BE", X(tacKey.ExportBytes()));
        Assert.Equal("DB6720A9", X(EpMacs.PurchaseTac(tacKey, 1, TransactionType.Purchase, terminal, 0x29, when)));
    }

    [Fact]
    public void ScenarioB_Load_EveryIntermediateMatches()
    {
        var dlk = Des(Mlk).Diversify(AsnA);
        Assert.Equal("28DCBC7AC7EE60690AC02034F3751FDB", X(dlk.ExportBytes()));
        var seslk = EpMacs.LoadSessionKey(dlk, 0x1A2B3C4D, 0x0005);
        Assert.Equal("F7FD8D199A08DC12", X(seslk.ExportBytes()));

        var terminal = Terminal("112233445566");
        var when = When("20240101120000");
        Assert.Equal("B61C106E", X(EpMacs.LoadMac1(seslk, 0x3E8, 0x2710, TransactionType.Load, terminal)));
        Assert.Equal("1DE69E90", X(EpMacs.LoadMac2(seslk, 0x2710, TransactionType.Load, terminal, when)));

        var tacKey = Des(Mtk).Diversify(CityFactor, AsnA).TacKey();
        Assert.Equal("D8705594", X(EpMacs.LoadTac(tacKey, 0x2AF8, 0x0005, 0x2710, TransactionType.Load, terminal, when)));
    }

    [Fact]
    public void ScenarioC_TUnionCappPurchase_EveryIntermediateMatches()
    {
        var issuer = H("01011000FFFFFFFF");
        var asn = H("5170010170907984");
        var dpk = Des(Mpk).Diversify(issuer, asn);
        Assert.Equal("9DA72B21929EEDC87B0628B4D03107BD", X(dpk.ExportBytes()));
        var sespk = EpMacs.PurchaseSessionKey(dpk, 0x11223344, 0x0010, 0x00000102);
        Assert.Equal("DDBE00AE6EA058C3", X(sespk.ExportBytes()));

        var terminal = Terminal("100000000321");
        var when = When("20240520083015");
        Assert.Equal("33F2FDA9", X(EpMacs.PurchaseMac1(sespk, 0x200, TransactionType.CappPurchase, terminal, when)));
        Assert.Equal("D9D8E7C9", X(EpMacs.PurchaseMac2(sespk, 0x200)));

        var dtk = Des(Mtk).Diversify(issuer, asn);
        Assert.Equal("20AD365FD67C6A509A575305493EDA9C", X(dtk.ExportBytes()));
        Assert.Equal("B47A67EA", X(EpMacs.PurchaseTac(dtk.TacKey(), 0x200, TransactionType.CappPurchase, terminal, 0x102, when)));
    }
}
