using CityCard.Security;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Terminals.Parameters;

namespace CityCard.Terminals.Tests;

/// <summary>The centre's parameter-signing key as it comes with an issuer key set: demo, production, or missing.</summary>
public sealed class ParameterSigningKeyTests
{
    [Fact]
    public void Of_DemoKeySet_IsThePublishedDemoKey()
    {
        var key = ParameterSigningKey.Of(DemoKeySet.Create(EpAlgorithm.Sm4));

        Assert.Equal(ParameterSigningKey.Demo().PublicKeyBytes(), key.PublicKeyBytes());
    }

    [Fact]
    public void Of_ProductionKeySet_SignsFilesOnlyItsPublicKeyAccepts()
    {
        var keySet = IssuerKeySet.Generate(EpAlgorithm.Des, 1, new CityCode(0x2144));
        var key = ParameterSigningKey.Of(keySet);
        var file = ParameterFile.Sign(Rig.DefaultParameters(2), key);
        var terminalSide = ParameterSigningKey.FromPublicKey(key.PublicKeyBytes(), "centre");

        Assert.Equal(2u, ParameterFile.Verify(file, terminalSide).Version);
        Assert.Throws<ParameterFileException>(() => ParameterFile.Verify(file, ParameterSigningKey.Demo()));
        Assert.Throws<ParameterFileException>(() => ParameterFile.Verify(ParameterFile.Sign(Rig.DefaultParameters(2), ParameterSigningKey.Demo()), terminalSide));
        // The same seed gives the same key; the seed itself never appears in what is signed.
        Assert.Equal(key.PublicKeyBytes(), ParameterSigningKey.FromSeed(keySet.ParameterSigningSeed(), "again").PublicKeyBytes());
        Assert.DoesNotContain(Hex.Format(keySet.ParameterSigningSeed()), System.Text.Encoding.UTF8.GetString(file), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Of_ProductionKeySetWithoutASeed_IsRefusedNotSignedWithTheDemoKey()
    {
        var generated = IssuerKeySet.Generate(EpAlgorithm.Des, 1, new CityCode(0x2144));
        var roles = Enum.GetValues<KeyRole>().ToDictionary(r => r, r => generated.Master(r).ExportBytes());
        var older = new IssuerKeySet(EpAlgorithm.Des, 1, new CityCode(0x2144), roles, isDemo: false);

        var e = Assert.Throws<InvalidOperationException>(() => ParameterSigningKey.Of(older));

        Assert.Contains("no parameter-signing key", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ParameterSigningKey.FromSeed(new byte[16], "short"));
    }
}
