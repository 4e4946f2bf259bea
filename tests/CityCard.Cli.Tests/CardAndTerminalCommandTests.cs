using System.Diagnostics;
using System.Text.Json;

namespace CityCard.Cli.Tests;

/// <summary>card, psam, terminal and batch commands in process, plus the outside Python programs in tools/.</summary>
public sealed class CardAndTerminalCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("citycard-cli-cards-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string F(string name) => Path.Combine(folder, name);

    private static void Ok(CliResult result) => Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}{result.Out}");

    [Fact]
    public void CardNew_WithBalance_IsLoadedByARealLoad_AndShowDecodesIt()
    {
        Ok(CliRunner.Run("card", "new", "--out", F("c.json"), "--balance", "1234", "--type", "elder", "--alg", "sm4"));
        var show = CliRunner.Run("card", "show", F("c.json"), "--json");
        Ok(show);
        var json = JsonDocument.Parse(show.Out).RootElement;
        Assert.Equal(1234, json.GetProperty("balance").GetInt32());
        Assert.Equal("elder", json.GetProperty("cardType").GetString());
        Assert.Equal("sm4", json.GetProperty("algorithm").GetString());
        Assert.Equal(1, json.GetProperty("onlineCounter").GetInt32());
        var record = Assert.Single(json.GetProperty("records").EnumerateArray());
        Assert.Equal("02", record.GetProperty("type").GetString());
        Assert.Contains("Balance     ¥12.34", CliRunner.Run("card", "show", F("c.json")).Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--asn: ASN 2144000000000001: wrong check digit", "--asn", "2144000000000001")]
    [InlineData("--type: 'vip' is not a card type", "--type", "vip")]
    [InlineData("--balance: -5 is out of range (0..", "--balance", "-5")]
    [InlineData("--city: expected 2 bytes", "--city", "21")]
    public void CardNew_BadArguments_ExitTwo(string expected, string option, string value)
    {
        var result = CliRunner.Run("card", "new", "--out", F("x.json"), option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(F("x.json")));
    }

    [Fact]
    public void CorruptOrMissingCardFile_IsAClearError()
    {
        File.WriteAllText(F("bad.json"), "{\"format\":\"citycard-card\"");
        var corrupt = CliRunner.Run("card", "show", F("bad.json"));
        Assert.Equal(1, corrupt.ExitCode);
        Assert.Contains("bad.json", corrupt.Error, StringComparison.Ordinal);
        var missing = CliRunner.Run("card", "show", F("none.json"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no such card file", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void CardShell_AnswersEveryApdu_ReportsBadLines_AndSaves()
    {
        Ok(CliRunner.Run("card", "new", "--out", F("c.json"), "--balance", "500"));
        var input = "00A4040009A00000000386980701\n805C000204\nnot hex\n00\n80CA000000\n805C000205\n";
        var result = CliRunner.RunWith(input, new Dictionary<string, string>(), "card", "shell", F("c.json"));
        Ok(result);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.EndsWith("9000", lines[0], StringComparison.Ordinal);
        Assert.Equal("000001F49000", lines[1]);
        Assert.Equal("6D00", lines[2]);
        Assert.Equal("6700", lines[3]);
        Assert.Contains("line 3: 'n' is not a hex digit", result.Error, StringComparison.Ordinal);
        Assert.Contains("line 4: a command APDU has at least 4 bytes", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void PsamShell_ReadsTerminalNumber()
    {
        Ok(CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "0000000A0001"));
        var result = CliRunner.RunWith("00A40000021001\n00B0960006\n", new Dictionary<string, string>(), "psam", "shell", F("p.json"));
        Ok(result);
        Assert.Equal("0000000A00019000", result.Out.Split('\n')[1].Trim());
        Assert.Equal(2, CliRunner.Run("psam", "new", "--out", F("q.json"), "--terminal", "0A").ExitCode);
    }

    [Fact]
    public void BusTapThenBatch_DumpVerify_AndOutsideTacVerification()
    {
        Ok(CliRunner.Run("card", "new", "--out", F("c.json"), "--balance", "1000"));
        Ok(CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "000000110001"));
        var data = F("bus");
        var tap = CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "3", "--stop", "12", "--data", data);
        Ok(tap);
        Assert.Contains("Paid ¥2.00 — balance ¥8.00", tap.Out, StringComparison.Ordinal);
        Ok(CliRunner.Run("terminal", "close-batch", "--data", data));
        var batch = Directory.GetFiles(Path.Combine(data, "outbox")).Single();
        Ok(CliRunner.Run("batch", "verify", batch));
        var dump = CliRunner.Run("batch", "dump", batch, "--json");
        Ok(dump);
        var record = JsonDocument.Parse(dump.Out.Trim()).RootElement;
        Assert.Equal("capp", record.GetProperty("kind").GetString());
        Assert.Equal(200, record.GetProperty("amount").GetInt32());
        File.WriteAllText(F("keys.json"), CliRunner.Run("keys", "demo").Out);
        var outside = RunPython("verify_tac.py", dump.Out, F("keys.json"));
        Assert.True(outside.ExitCode == 0, outside.Output);
        Assert.Contains("1 checked, 0 failed", outside.Output, StringComparison.Ordinal);

        var bytes = File.ReadAllBytes(batch);
        bytes[60] ^= 1;
        File.WriteAllBytes(batch, bytes);
        var tampered = CliRunner.Run("batch", "verify", batch);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("batch file: byte", tampered.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("des")]
    [InlineData("sm4")]
    public void OutsideProgram_RunsLoadAndPurchaseThroughTheShells(string alg)
    {
        Ok(CliRunner.Run("card", "new", "--out", F("c.json"), "--alg", alg));
        Ok(CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "000000440004"));
        File.WriteAllText(F("keys.json"), CliRunner.Run("keys", "demo", "--alg", alg).Out);
        var result = RunPython("shell_session.py", string.Empty, F("c.json"), F("p.json"), F("keys.json"), "5000", "250");
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("purchase TAC", result.Output, StringComparison.Ordinal);
        var show = JsonDocument.Parse(CliRunner.Run("card", "show", F("c.json"), "--json").Out).RootElement;
        Assert.Equal(4750, show.GetProperty("balance").GetInt32());
    }

    [Fact]
    public void TerminalCommands_BadArguments_ExitTwo()
    {
        Ok(CliRunner.Run("card", "new", "--out", F("c.json")));
        Ok(CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "000000110001"));
        Assert.Equal(2, CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "0", "--stop", "1", "--data", F("b")).ExitCode);
        Assert.Equal(2, CliRunner.Run("terminal", "bus", "tap", "--card", F("none.json"), "--psam", F("p.json"), "--route", "3", "--stop", "1", "--data", F("b")).ExitCode);
        Assert.Equal(2, CliRunner.Run("terminal", "pos", "sale", "--card", F("c.json"), "--psam", F("p.json"), "--amount", "0", "--data", F("b")).ExitCode);
        Assert.Equal(2, CliRunner.Run("terminal", "door", "present", "--card", F("c.json"), "--door", "1", "--direction", "up", "--data", F("d")).ExitCode);
        var refused = CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "3", "--stop", "1", "--data", F("b2"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Insufficient balance", refused.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void ParamsPublishAndInstall_BlacklistsACard_OldVersionRefused()
    {
        Ok(CliRunner.Run("card", "new", "--out", F("c.json"), "--balance", "1000"));
        Ok(CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "000000110001"));
        var asn = JsonDocument.Parse(CliRunner.Run("card", "show", F("c.json"), "--json").Out).RootElement.GetProperty("asn").GetString()!;
        var data = F("bus");
        Ok(CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "3", "--stop", "1", "--data", data));
        Ok(CliRunner.Run("terminal", "params", "publish", "--out", F("v2.json"), "--version", "2", "--blacklist", asn));
        Ok(CliRunner.Run("terminal", "params", "install", "--data", data, "--file", F("v2.json")));
        Assert.Equal(1, CliRunner.Run("terminal", "params", "install", "--data", data, "--file", F("v2.json")).ExitCode);
        var tap = CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "3", "--stop", "1", "--data", data);
        Assert.Equal(1, tap.ExitCode);
        Assert.Contains("Card blocked", tap.Out, StringComparison.Ordinal);
        Assert.True(JsonDocument.Parse(CliRunner.Run("card", "show", F("c.json"), "--json").Out).RootElement.GetProperty("blocked").GetBoolean());
    }

    private static (int ExitCode, string Output) RunPython(string script, string input, params string[] args)
    {
        var root = typeof(CardAndTerminalCommandTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

        var start = new ProcessStartInfo("python3", [Path.Combine(root, "tools", script), .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["CITYCARD"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "citycard.dll")}";
        using var process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    [Theory]
    [InlineData("{bad")]
    [InlineData("{}")]
    [InlineData("[{\"billId\":1}]")]
    public void KioskBills_MalformedBillFile_IsNamed_Exit1_NoStackTrace(string content)
    {
        // Until 2026-11-26 `kiosk bills` let the bill file's parse error escape: an unhandled exception, exit 134.
        File.WriteAllText(F("bills.json"), content);
        var list = CliRunner.Run("terminal", "kiosk", "bills", "--bills", F("bills.json"), "--household", "C001");
        Assert.Equal(1, list.ExitCode);
        Assert.Contains("bills.json", list.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", list.Error + list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void PosTotals_OfAnInstalledFolder_NeedNeitherPsamNorDeviceId()
    {
        // Until 2026-11-26 `pos totals --data DIR` refused with "--device-id: needed", and with it "--psam: needed",
        // though the folder names its device and the totals come from the journal alone.
        Assert.Equal(0, CliRunner.Run("card", "new", "--out", F("c.json"), "--balance", "1000").ExitCode);
        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "000000140001").ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "pos", "sale", "--card", F("c.json"), "--psam", F("p.json"), "--amount", "350", "--data", F("pos"), "--operator", "20").ExitCode);
        var totals = CliRunner.Run("terminal", "pos", "totals", "--data", F("pos"));
        Assert.True(totals.ExitCode == 0, totals.Error);
        Assert.Contains("1 sales, gross ¥3.50", totals.Out, StringComparison.Ordinal);
        var none = CliRunner.Run("terminal", "pos", "totals");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("needed", none.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void BusTap_OnAValidatorInstalledOnAnotherRoute_IsRefused_NothingCharged()
    {
        // A validator is installed on the route of its first tap (terminal.json "line"); until 2026-11-26 a later
        // --route was silently ignored, so `--route 9` (a distance line) was charged as route 3's flat fare.
        Assert.Equal(0, CliRunner.Run("card", "new", "--out", F("c.json"), "--balance", "1000").ExitCode);
        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "000000110001").ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "3", "--stop", "1", "--data", F("bus")).ExitCode);
        var balance = CliRunner.Run("card", "show", F("c.json"), "--json").Out;
        var other = CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "9", "--stop", "2", "--data", F("bus"));
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("--route", other.Error, StringComparison.Ordinal);
        Assert.Contains("line 3", other.Error, StringComparison.Ordinal);
        Assert.Equal(balance, CliRunner.Run("card", "show", F("c.json"), "--json").Out);
        Assert.Equal(0, CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "3", "--stop", "2", "--data", F("bus")).ExitCode);

        Assert.Equal(1, CliRunner.Run("terminal", "door", "present", "--card", F("c.json"), "--door", "1", "--data", F("door")).ExitCode); // denied: an ordinary card
        var wrongDoor = CliRunner.Run("terminal", "door", "present", "--card", F("c.json"), "--door", "2", "--data", F("door"));
        Assert.Equal(2, wrongDoor.ExitCode);
        Assert.Contains("--door", wrongDoor.Error, StringComparison.Ordinal);
    }
}
