using CityCard.Security.Macs;
using CityCard.Security.Primitives;
using static CityCard.Security.Tests.Vectors;

namespace CityCard.Security.Tests;

/// <summary>STANDARDS.md §4.1 (public PBOC vectors), §6.3 D (padding) and §6.4 (SM4).</summary>
public sealed class PrimitiveVectorTests
{
    [Fact]
    public void Diversify_PbocPublicVector_MatchesW9()
    {
        var key = Des("C4D689158AD9FB9D23105B91CE046D0E").Diversify(H("2011000270735501"));
        Assert.Equal("B8A15DA5F7043C317D9FD8F8DFE2BD75", X(key.ExportBytes()));
    }

    [Theory]
    [InlineData("B8A15DA5F7043C317D9FD8F8DFE2BD75", "00000000000003D3000000000000FC2C", "4A43440B2D932ACDC4E2776ED562EE43")]
    [InlineData("0D2E3CB0BC1F9E03AED58F663A2F9679", "000000000000000E000000000000FFF1", "C3D3F062E9992B4E923D338D66193526")]
    public void TripleDes_PublicVectors_Match(string key, string plain, string expected)
    {
        var cipher = new TripleDesCipher(H(key));
        var input = H(plain);
        var output = new byte[16];
        cipher.Encrypt(input.AsSpan(0, 8), output.AsSpan(0, 8));
        cipher.Encrypt(input.AsSpan(8, 8), output.AsSpan(8, 8));
        Assert.Equal(expected, X(output));
    }

    [Fact]
    public void MacRetail_PbocPublicVector_MatchesW9()
    {
        var key = H("4A43440B2D932ACDC4E2776ED562EE43");
        var data = H("00000000000000000000000001560000000000015600000000000004447C0003D30380A800");
        var output = new byte[8];
        IsoMac.RetailLastBlock(new DesCipher(key.AsSpan(0, 8)), new DesCipher(key.AsSpan(8, 8)), new byte[8], data, output);
        Assert.Equal("81A9DC9310F88856", X(output));
        Assert.Equal(0x81A9DC93u, IsoMac.MacRetail(key, new byte[8], data));
    }

    [Theory]
    [InlineData("0000000000000000", "8B9EFCDEDF074999")]
    [InlineData("00000001", "AF20EEFE6B5EFFEE")]
    public void MacDes_PaddingEdgeCases_MatchVectorD(string data, string expected)
    {
        var output = new byte[8];
        IsoMac.CbcDesLastBlock(new DesCipher(H("0123456789ABCDEF")), default, H(data), output);
        Assert.Equal(expected, X(output));
        Assert.Equal(expected[..8], X(IsoMac.MacDes(new DesCipher(H("0123456789ABCDEF")), H(data))));
    }

    [Fact]
    public void Sm4_GbT32907Vector_Matches()
    {
        var cipher = new Sm4Cipher(H("0123456789ABCDEFFEDCBA9876543210"));
        var output = new byte[16];
        cipher.Encrypt(H("0123456789ABCDEFFEDCBA9876543210"), output);
        Assert.Equal("681EDF34D206965E86B3E94F536E4246", X(output));
    }

    [Fact]
    public void TripleDes_WeakAndEqualHalvesKeys_AreAccepted()
    {
        // The BCL refuses these; transport and test keys need them.
        var allFf = new TripleDesCipher(H("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"));
        var single = new DesCipher(H("FFFFFFFFFFFFFFFF"));
        var a = new byte[8];
        var b = new byte[8];
        allFf.Encrypt(H("0102030405060708"), a);
        single.Encrypt(H("0102030405060708"), b);
        Assert.Equal(X(b), X(a));
    }
}
