using System.Text.Json;
using CityCard.Security.Keys;

namespace CityCard.Cli.Tests;

/// <summary><c>citycard keys …</c>.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-cli-keys-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("des")]
    [InlineData("sm4")]
    public void Demo_PrintsTheDocumentedJsonShape(string alg)
    {
        var result = CliRunner.Run("keys", "demo", "--alg", alg);
        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Out).RootElement;
        var names = json.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["algorithm", "keyVersion", "cityCode", "purchase", "load", "tac", "maintenance", "pinUnblock"], names);
        Assert.Equal(alg, json.GetProperty("algorithm").GetString());
        Assert.Equal(1, json.GetProperty("keyVersion").GetInt32());
        Assert.Equal("2144", json.GetProperty("cityCode").GetString());
        foreach (var role in new[] { "purchase", "load", "tac", "maintenance", "pinUnblock" })
        {
            Assert.Matches("^[0-9A-F]{32}$", json.GetProperty(role).GetString());
        }

        var expectedTac = Security.Hex.Format(DemoKeySet.Create(Security.Ep.EpAlgorithms.Parse(alg, "alg")).Master(KeyRole.Tac).ExportBytes());
        Assert.Equal(expectedTac, json.GetProperty("tac").GetString());
    }

    [Fact]
    public void NewThenCheck_WithKekFromEnvironment_NeverPrintsKeys()
    {
        var path = Path.Combine(directory, "prod.keys");
        var env = new Dictionary<string, string> { [KeySetFile.KekEnvironmentVariable] = "test-only passphrase 0123" };
        var created = CliRunner.RunWith(null, env, "keys", "new", "--out", path, "--alg", "sm4", "--key-version", "7", "--city", "2201");
        Assert.Equal(0, created.ExitCode);
        var keySet = KeySetFile.Read(path, "test-only passphrase 0123");
        Assert.DoesNotContain(Security.Hex.Format(keySet.Master(KeyRole.Purchase).ExportBytes()), created.Out + created.Error, StringComparison.Ordinal);
        var check = CliRunner.RunWith(null, env, "keys", "check", "--keys", path);
        Assert.Equal(0, check.ExitCode);
        Assert.Contains("sm4 key set, version 7, city 2201", check.Out, StringComparison.Ordinal);
        var publicKey = Security.Hex.Format(Terminals.Parameters.ParameterSigningKey.Of(keySet).PublicKeyBytes());
        Assert.Contains($"parameter-signing public key: {publicKey}", check.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(Security.Hex.Format(keySet.ParameterSigningSeed()), created.Out + created.Error + check.Out + check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ParametersPublish_WithKeys_SignedByTheKeySetsParameterKeyNotTheDemoKey()
    {
        var path = Path.Combine(directory, "prod.keys");
        var output = Path.Combine(directory, "parameters.json");
        var env = new Dictionary<string, string> { [KeySetFile.KekEnvironmentVariable] = "test-only passphrase 0123" };
        Assert.Equal(0, CliRunner.RunWith(null, env, "keys", "new", "--out", path).ExitCode);

        var published = CliRunner.RunWith(null, env, "terminal", "params", "publish", "--out", output, "--version", "3", "--keys", path);

        Assert.Equal(0, published.ExitCode);
        var key = Terminals.Parameters.ParameterSigningKey.Of(KeySetFile.Read(path, "test-only passphrase 0123"));
        var file = File.ReadAllBytes(output);
        Assert.Equal(3u, Terminals.Parameters.ParameterFile.Verify(file, Terminals.Parameters.ParameterSigningKey.FromPublicKey(key.PublicKeyBytes(), "centre")).Version);
        Assert.Throws<Terminals.Parameters.ParameterFileException>(() => Terminals.Parameters.ParameterFile.Verify(file, Terminals.Parameters.ParameterSigningKey.Demo()));
    }

    [Fact]
    public void Check_WrongKekFromPrompt_ExitsOne()
    {
        var path = Path.Combine(directory, "prod.keys");
        var env = new Dictionary<string, string> { [KeySetFile.KekEnvironmentVariable] = "test-only passphrase 0123" };
        Assert.Equal(0, CliRunner.RunWith(null, env, "keys", "new", "--out", path).ExitCode);
        var check = CliRunner.RunWith("some other passphrase\n", new Dictionary<string, string>(), "keys", "check", "--keys", path);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("wrong key-encryption key", check.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void New_NoKek_ExitsTwo()
    {
        var result = CliRunner.Run("keys", "new", "--out", Path.Combine(directory, "x.keys"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no key-encryption passphrase", result.Error, StringComparison.Ordinal);
    }
}
