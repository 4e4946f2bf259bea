using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Security.Tests;

/// <summary>Demo key set determinism, card key derivation and the encrypted key-set file.</summary>
public sealed class KeySetTests : IDisposable
{
    private const string Kek = "test-only passphrase, not a real KEK";
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-keys-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void DemoKeySet_IsDeterministicAndFromThePublishedSeed()
    {
        var a = DemoKeySet.Create(EpAlgorithm.Des);
        var b = DemoKeySet.Create(EpAlgorithm.Des);
        Assert.True(a.IsDemo);
        Assert.Equal(a.Master(KeyRole.Tac).ExportBytes(), b.Master(KeyRole.Tac).ExportBytes());
        var expected = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(DemoKeySet.Seed + "/des/tac"))[..16];
        Assert.Equal(expected, a.Master(KeyRole.Tac).ExportBytes());
        Assert.NotEqual(a.Master(KeyRole.Tac).ExportBytes(), DemoKeySet.Create(EpAlgorithm.Sm4).Master(KeyRole.Tac).ExportBytes());
        Assert.Contains("DEMO", a.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DeriveCardKeys_IsTwoLevelCityThenAsn()
    {
        var set = DemoKeySet.Create(EpAlgorithm.Sm4);
        var asn = new Asn(0x2144000000000001);
        var card = set.DeriveCardKeys(set.HomeCity, asn);
        var manual = set.Master(KeyRole.Purchase).Diversify(set.HomeCity.DiversificationFactor(), asn.ToBytes());
        Assert.Equal(manual.ExportBytes(), card.Purchase.ExportBytes());
        Assert.Equal(EpAlgorithm.Sm4, card.Algorithm);
        Assert.Equal(DemoKeySet.KeyVersion, card.KeyVersion);
    }

    [Fact]
    public void KeySetFile_RoundTrips()
    {
        var path = Path.Combine(directory, "issuer.keys");
        var original = IssuerKeySet.Generate(EpAlgorithm.Sm4, 3, new CityCode(0x2201));
        KeySetFile.Write(path, original, Kek, iterations: 10_000);
        var read = KeySetFile.Read(path, Kek);
        Assert.Equal(EpAlgorithm.Sm4, read.Algorithm);
        Assert.Equal(3, read.KeyVersion);
        Assert.Equal(new CityCode(0x2201), read.HomeCity);
        foreach (var role in Enum.GetValues<KeyRole>())
        {
            Assert.Equal(original.Master(role).ExportBytes(), read.Master(role).ExportBytes());
        }

        var text = File.ReadAllText(path);
        Assert.DoesNotContain(Hex.Format(original.Master(KeyRole.Tac).ExportBytes()), text, StringComparison.Ordinal);
    }

    [Fact]
    public void KeySetFile_CarriesTheParameterSigningSeed_AndReadsAFileWithoutOne()
    {
        var generated = IssuerKeySet.Generate(EpAlgorithm.Des, 1, new CityCode(0x2144));
        var withSeed = Path.Combine(directory, "with.keys");
        KeySetFile.Write(withSeed, generated, Kek, iterations: 10_000);
        var roles = Enum.GetValues<KeyRole>().ToDictionary(r => r, r => generated.Master(r).ExportBytes());
        var older = Path.Combine(directory, "older.keys");
        KeySetFile.Write(older, new IssuerKeySet(EpAlgorithm.Des, 1, new CityCode(0x2144), roles, isDemo: false), Kek, iterations: 10_000);

        var read = KeySetFile.Read(withSeed, Kek);
        var readOlder = KeySetFile.Read(older, Kek);

        Assert.True(generated.HasParameterSigningSeed);
        Assert.Equal(generated.ParameterSigningSeed(), read.ParameterSigningSeed());
        Assert.DoesNotContain(Hex.Format(generated.ParameterSigningSeed()), File.ReadAllText(withSeed), StringComparison.Ordinal);
        Assert.DoesNotContain(Hex.Format(generated.ParameterSigningSeed()), read.ToString(), StringComparison.Ordinal);
        Assert.False(readOlder.HasParameterSigningSeed);
        var missing = Assert.Throws<InvalidOperationException>(() => readOlder.ParameterSigningSeed());
        Assert.Contains("keys new", missing.Message, StringComparison.Ordinal);
        var wrong = Assert.Throws<ArgumentException>(() => new IssuerKeySet(EpAlgorithm.Des, 1, new CityCode(0x2144), roles, isDemo: false, new byte[31]));
        Assert.Contains("parameter-signing seed must be 32 bytes, got 31", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeySetFile_WrongKek_IsRefused()
    {
        var path = Path.Combine(directory, "issuer.keys");
        KeySetFile.Write(path, IssuerKeySet.Generate(EpAlgorithm.Des, 1, new CityCode(0x2144)), Kek, iterations: 10_000);
        var e = Assert.Throws<KeySetFileException>(() => KeySetFile.Read(path, "another passphrase entirely"));
        Assert.Contains("wrong key-encryption key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeySetFile_AnyAlteredCiphertextByte_IsRefused()
    {
        var path = Path.Combine(directory, "issuer.keys");
        KeySetFile.Write(path, IssuerKeySet.Generate(EpAlgorithm.Des, 1, new CityCode(0x2144)), Kek, iterations: 10_000);
        var text = File.ReadAllText(path);
        var start = text.IndexOf("\"ciphertext\": \"", StringComparison.Ordinal) + 15;
        var digit = text[start + 10];
        var altered = text[..(start + 10)] + (digit == '0' ? '1' : '0') + text[(start + 11)..];
        File.WriteAllText(path, altered);
        Assert.Throws<KeySetFileException>(() => KeySetFile.Read(path, Kek));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"format\":\"citycard-keyset\",\"version\":2}")]
    [InlineData("{\"format\":\"something-else\"}")]
    public void KeySetFile_Malformed_IsRefusedWithReason(string content)
    {
        var path = Path.Combine(directory, "bad.keys");
        File.WriteAllText(path, content);
        var e = Assert.Throws<KeySetFileException>(() => KeySetFile.Read(path, Kek));
        Assert.StartsWith($"key-set file {path}:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeySetFile_DemoSetAndShortKek_AreRefused()
    {
        var path = Path.Combine(directory, "x.keys");
        Assert.Throws<ArgumentException>(() => KeySetFile.Write(path, DemoKeySet.Create(EpAlgorithm.Des), Kek));
        Assert.Throws<ArgumentException>(() => KeySetFile.Write(path, IssuerKeySet.Generate(EpAlgorithm.Des, 1, new CityCode(0x2144)), "short"));
        Assert.False(File.Exists(path));
    }
}
