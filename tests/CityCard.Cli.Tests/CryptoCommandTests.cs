using System.Text.Json;

namespace CityCard.Cli.Tests;

/// <summary><c>citycard crypto …</c> against STANDARDS.md vectors, and its bad-input errors.</summary>
public sealed class CryptoCommandTests
{
    [Fact]
    public void Purchase_ScenarioA_PrintsSessionKeyMacsAndTac()
    {
        var result = CliRunner.Run("crypto", "purchase", "--dpk", "1B281ED745A7B331A51B63EF5E032597", "--dtk", "23F5C7C81686B020CB467AE96D25599E",
            "--random", "47800CF7", "--counter", "6", "--ttsn", "00000029", "--amount", "1", "--type", "06", "--terminal", "000000010001", "--datetime", "20081009140759");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"sessionKey\":\"BD216A6EDB9CAAD6\",\"mac1\":\"CAE4DA98\",\"mac2\":\"DD20AE4E\",\"tac\":\"DB6720A9\"}", result.Line);
    }

    [Fact]
    public void Purchase_ScenarioC_Type09()
    {
        var result = CliRunner.Run("crypto", "purchase", "--dpk", "9DA72B21929EEDC87B0628B4D03107BD", "--dtk", "20AD365FD67C6A509A575305493EDA9C",
            "--random", "11223344", "--counter", "16", "--ttsn", "00000102", "--amount", "512", "--type", "09", "--terminal", "100000000321", "--datetime", "20240520083015");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"sessionKey\":\"DDBE00AE6EA058C3\",\"mac1\":\"33F2FDA9\",\"mac2\":\"D9D8E7C9\",\"tac\":\"B47A67EA\"}", result.Line);
    }

    [Fact]
    public void Load_ScenarioB_PrintsTacOverBalanceAfter()
    {
        var result = CliRunner.Run("crypto", "load", "--dlk", "28DCBC7AC7EE60690AC02034F3751FDB", "--dtk", "23F5C7C81686B020CB467AE96D25599E",
            "--random", "1A2B3C4D", "--counter", "5", "--balance", "1000", "--amount", "10000", "--terminal", "112233445566", "--datetime", "20240101120000");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"sessionKey\":\"F7FD8D199A08DC12\",\"mac1\":\"B61C106E\",\"mac2\":\"1DE69E90\",\"tac\":\"D8705594\"}", result.Line);
    }

    [Fact]
    public void Load_Sm4_MatchesIndependentVector()
    {
        var result = CliRunner.Run("crypto", "load", "--alg", "sm4", "--dlk", "5F6BD0A3BF9C2586DECCAE6FAB477A17", "--dtk", "79E6EE780BB315ACE2EE90D524C4254F",
            "--random", "1A2B3C4D", "--counter", "5", "--balance", "1000", "--amount", "10000", "--terminal", "112233445566", "--datetime", "20240101120000");
        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal("0EEF60BF", json.GetProperty("mac1").GetString());
        Assert.Equal("7C01F78E", json.GetProperty("mac2").GetString());
        Assert.Equal("58E55BCA", json.GetProperty("tac").GetString());
    }

    [Theory]
    [InlineData("2144FF0000000000", "75648E5FABEE9AEDE2247BF780D22DD5")]
    public void Div_OneAndTwoLevels(string factor, string expected)
    {
        var one = CliRunner.Run("crypto", "div", "--key", "000102030405060708090A0B0C0D0E0F", "--factor", factor);
        Assert.Equal(expected, one.Line);
        var two = CliRunner.Run("crypto", "div", "--key", "000102030405060708090A0B0C0D0E0F", "--factor", factor, "--factor", "2144000000000001");
        Assert.Equal("1B281ED745A7B331A51B63EF5E032597", two.Line);
    }

    [Theory]
    [InlineData("des", "0123456789ABCDEF", "0000000000000000", "8B9EFCDE")]
    [InlineData("des", "0123456789ABCDEF", "00000001", "AF20EEFE")]
    [InlineData("sm4", "0123456789ABCDEFFEDCBA9876543210", "00000001", "5B9826EE")]
    [InlineData("retail", "4A43440B2D932ACDC4E2776ED562EE43", "00000000000000000000000001560000000000015600000000000004447C0003D30380A800", "81A9DC93")]
    public void Mac_Kinds(string kind, string key, string data, string expected)
    {
        var result = CliRunner.Run("crypto", "mac", "--kind", kind, "--key", key, "--data", data);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(expected, result.Line);
    }

    [Fact]
    public void Mac_EmptyDataAndIv_AreAccepted()
    {
        Assert.Equal(0, CliRunner.Run("crypto", "mac", "--key", "0123456789ABCDEF", "--data", "", "--iv", "0000000000000000").ExitCode);
    }

    [Theory]
    [InlineData("--dpk: odd number of hex digits", "--dpk", "123")]
    [InlineData("--dtk: expected 16 bytes", "--dtk", "00")]
    [InlineData("--random: expected 4 bytes", "--random", "0011")]
    [InlineData("--counter: 70000 is out of range", "--counter", "70000")]
    [InlineData("--counter: -1 is out of range (0..65535)", "--counter", "-1")]
    [InlineData("--amount: 4294967296 is out of range", "--amount", "4294967296")]
    [InlineData("--type: 02 is not a purchase type", "--type", "02")]
    [InlineData("--terminal: expected 6 bytes", "--terminal", "0001")]
    [InlineData("--datetime: '20241340120000' is not a valid date and time", "--datetime", "20241340120000")]
    [InlineData("--alg: 'aes' is not an algorithm", "--alg", "aes")]
    public void Purchase_BadArgument_ExitsTwoNamingIt(string expected, string option, string value)
    {
        var args = new Dictionary<string, string>
        {
            ["--dpk"] = "1B281ED745A7B331A51B63EF5E032597", ["--dtk"] = "23F5C7C81686B020CB467AE96D25599E", ["--random"] = "47800CF7",
            ["--counter"] = "6", ["--ttsn"] = "00000029", ["--amount"] = "1", ["--type"] = "06", ["--terminal"] = "000000010001", ["--datetime"] = "20081009140759",
        };
        args[option] = value;
        var result = CliRunner.Run(["crypto", "purchase", .. args.SelectMany(p => new[] { p.Key, p.Value })]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public void Load_BalanceOverflow_ExitsTwo()
    {
        var result = CliRunner.Run("crypto", "load", "--dlk", "28DCBC7AC7EE60690AC02034F3751FDB", "--dtk", "23F5C7C81686B020CB467AE96D25599E",
            "--random", "1A2B3C4D", "--counter", "5", "--balance", "4294967295", "--amount", "1", "--terminal", "112233445566", "--datetime", "20240101120000");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("exceeds the card's 4-byte balance", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--factor: expected 8 bytes", "crypto", "div", "--key", "000102030405060708090A0B0C0D0E0F", "--factor", "2144")]
    [InlineData("--key: expected 16 bytes", "crypto", "div", "--key", "0001", "--factor", "2144FF0000000000")]
    [InlineData("--key: expected 8 bytes", "crypto", "mac", "--key", "000102030405060708090A0B0C0D0E0F", "--data", "00")]
    [InlineData("--kind: 'cmac' is not a MAC kind", "crypto", "mac", "--kind", "cmac", "--key", "0123456789ABCDEF", "--data", "00")]
    [InlineData("--iv: the SM4 profile MAC always starts from a zero IV", "crypto", "mac", "--kind", "sm4", "--key", "0123456789ABCDEFFEDCBA9876543210", "--data", "00", "--iv", "0000000000000000")]
    [InlineData("--data: 'x' is not a hex digit", "crypto", "mac", "--key", "0123456789ABCDEF", "--data", "0x")]
    [InlineData("Option '--key' is required", "crypto", "mac", "--data", "00")]
    [InlineData("Unrecognized command or argument 'frobnicate'", "frobnicate")]
    [InlineData("Required command was not provided", "crypto")]
    public void BadArguments_ExitTwoWithMessage(string expected, params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }
}
