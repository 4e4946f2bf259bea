using System.Text.Json;
using CityCard.Server;

namespace CityCard.Cli.Tests;

/// <summary><c>terminal upload --centre URL</c> against the real clearing-centre server on a loopback port.</summary>
public sealed class TerminalUploadTests : IDisposable
{
    private static readonly string[] OldDropFolders = ["ftp:", "htp:", "127.0.0.1:5080"];

    private readonly string folder = Directory.CreateTempSubdirectory("citycard-cli-upload-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string F(string name) => Path.Combine(folder, name);

    [Fact]
    public async Task Upload_OverHttp_ClearsTheBatch_AndMovesItToSent()
    {
        var db = $"sqlite:{F("centre.db")}";
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "merchant", "add", "--db", db, "--id", "1", "--name", "bus", "--category", "transport").ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "merchant", "add", "--db", db, "--id", "10", "--name", "outlets", "--category", "card services").ExitCode);
        Assert.Equal(0, CliRunner.Run("card", "new", "--out", F("c.json"), "--balance", "1000").ExitCode);
        var asn = JsonDocument.Parse(CliRunner.Run("card", "show", F("c.json"), "--json").Out).RootElement.GetProperty("asn").GetString()!;
        Assert.Equal(0, CliRunner.Run("centre", "card", "add", "--db", db, "--asn", asn, "--outlet", "10", "--balance", "1000", "--online-counter", "1").ExitCode);
        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "000000110001").ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "device", "add", "--db", db, "--id", "1114113", "--kind", "bus", "--operator", "1", "--terminal", "000000110001").ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "3", "--stop", "1", "--data", F("bus")).ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "close-batch", "--data", F("bus")).ExitCode);

        await using var app = ClearingServer.Build(new ServerOptions { Database = db }, ["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var url = app.Urls.First();
        var upload = await Task.Run(() => CliRunner.Run("terminal", "upload", "--data", F("bus"), "--centre", url), TestContext.Current.CancellationToken);
        Assert.True(upload.ExitCode == 0, upload.Error + upload.Out);
        Assert.Contains("\"accepted\":1", upload.Out, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(F("bus/outbox")));
        Assert.Single(Directory.GetFiles(F("bus/sent")));

        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("op.json"), "--terminal", "000000330003").ExitCode);
        // The outlet registers its sales signed as itself: the centre must know it first.
        Assert.Equal(0, CliRunner.Run("centre", "device", "add", "--db", db, "--id", "3342339", "--kind", "outlet", "--operator", "10", "--terminal", "000000330003").ExitCode);
        var sale = await Task.Run(() => CliRunner.Run("terminal", "outlet", "sell", "--out", F("sold.json"), "--psam", F("op.json"), "--deposit", "2000", "--operator", "10", "--data", F("outlet"), "--centre", url), TestContext.Current.CancellationToken);
        Assert.True(sale.ExitCode == 0, sale.Error + sale.Out);
        Assert.Contains("registered with the centre", sale.Out, StringComparison.Ordinal);
        var sold = JsonDocument.Parse(CliRunner.Run("card", "show", F("sold.json"), "--json").Out).RootElement.GetProperty("asn").GetString()!;

        // Online load through the outlet terminal over HTTP: the centre verifies MAC1, answers MAC2, then checks the TAC.
        var load = await Task.Run(() => CliRunner.Run("terminal", "outlet", "load", "--card", F("sold.json"), "--psam", F("op.json"), "--amount", "5000", "--data", F("outlet"), "--centre", url), TestContext.Current.CancellationToken);
        Assert.True(load.ExitCode == 0, load.Error + load.Out);
        Assert.Contains("Loaded ¥50.00", load.Out, StringComparison.Ordinal);
        Assert.Equal(5000, JsonDocument.Parse(CliRunner.Run("card", "show", F("sold.json"), "--json").Out).RootElement.GetProperty("balance").GetInt32());
        var forged = await Task.Run(() => CliRunner.Run("terminal", "outlet", "load", "--card", F("c.json"), "--psam", F("op.json"), "--amount", "100", "--data", F("outlet2"), "--device-id", "77", "--centre", url), TestContext.Current.CancellationToken);
        Assert.Equal(1, forged.ExitCode);
        // The centre's reason reaches the clerk (until 2026-11-26 every refusal read "The centre declined the load").
        Assert.Contains("401", forged.Error, StringComparison.Ordinal);
        Assert.Contains("77", forged.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was loaded", forged.Error, StringComparison.Ordinal);
        var wrongPath = await Task.Run(() => CliRunner.Run("terminal", "outlet", "load", "--card", F("sold.json"), "--psam", F("op.json"), "--amount", "100", "--data", F("outlet"), "--centre", url + "/x/"), TestContext.Current.CancellationToken);
        Assert.Equal(1, wrongPath.ExitCode);
        Assert.Contains("404", wrongPath.Error, StringComparison.Ordinal);
        Assert.Contains("/x/api/loads/authorise", wrongPath.Error, StringComparison.Ordinal);
        Assert.Equal(5000, JsonDocument.Parse(CliRunner.Run("card", "show", F("sold.json"), "--json").Out).RootElement.GetProperty("balance").GetInt32());
        await app.StopAsync(TestContext.Current.CancellationToken);
        var lookup = CliRunner.Run("centre", "card", "show", "--db", db, "--asn", sold);
        Assert.True(lookup.ExitCode == 0, lookup.Error);
        Assert.Contains("2000", lookup.Out, StringComparison.Ordinal);

        var unreachable = CliRunner.Run("terminal", "upload", "--data", F("bus"), "--centre", "http://127.0.0.1:9");
        Assert.Equal(0, unreachable.ExitCode);
        Assert.Contains("nothing to upload", unreachable.Out, StringComparison.Ordinal);
        Assert.Equal(2, CliRunner.Run("terminal", "upload", "--data", F("bus"), "--centre", "http://[::bad").ExitCode);
    }

    [Fact]
    public async Task Upload_CentreAnswersOtherThan200_Exit1SayingWhatStaysInTheOutbox()
    {
        // The centre does not know the bus (422 unknown-device), as it answers 503 while its database is down: until
        // 2026-11-26 the command then printed "nothing to upload" and exited 0, as if the outbox were empty.
        var db = $"sqlite:{F("centre.db")}";
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("card", "new", "--out", F("c.json"), "--balance", "1000").ExitCode);
        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "000000110001").ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "3", "--stop", "1", "--data", F("bus")).ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "close-batch", "--data", F("bus")).ExitCode);

        await using var app = ClearingServer.Build(new ServerOptions { Database = db }, ["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var upload = await Task.Run(() => CliRunner.Run("terminal", "upload", "--data", F("bus"), "--centre", app.Urls.First()), TestContext.Current.CancellationToken);
        await app.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, upload.ExitCode);
        Assert.Contains("not accepted (422)", upload.Out, StringComparison.Ordinal);
        // The centre's stored refusal is what the installer needs, not a receipt of zeros (until 2026-11-26).
        Assert.Contains("refused (unknown-device)", upload.Out, StringComparison.Ordinal);
        Assert.Contains("1114113", upload.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\"total\":0", upload.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing to upload", upload.Out, StringComparison.Ordinal);
        Assert.Contains("uploaded 0; 1 batch stays in the outbox", upload.Error, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(F("bus/outbox")));
    }

    [Theory]
    [InlineData("ftp://centre.example/")]
    [InlineData("htp://127.0.0.1:5080")]
    [InlineData("127.0.0.1:5080")]
    [InlineData("no-such-drop-folder")]
    public void Upload_ToATargetThatIsNeitherAUrlNorAnExistingFolder_IsRefused_AndTheBatchStays(string target)
    {
        // Until 2026-11-26 anything that was not http(s):// was taken as a drop folder and created on the spot, so a
        // mistyped URL "uploaded" the batches into a new folder (./ftp:/centre.example) and moved them to sent/.
        Assert.Equal(0, CliRunner.Run("card", "new", "--out", F("c.json"), "--balance", "1000").ExitCode);
        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "000000110001").ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "3", "--stop", "1", "--data", F("bus")).ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "close-batch", "--data", F("bus")).ExitCode);
        var upload = CliRunner.Run("terminal", "upload", "--data", F("bus"), "--centre", target == "no-such-drop-folder" ? F(target) : target);
        foreach (var made in OldDropFolders.Where(Directory.Exists))
        {
            Directory.Delete(made, recursive: true); // what the old behaviour left in the working folder
        }

        Assert.Equal(2, upload.ExitCode);
        Assert.Contains("--centre", upload.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", upload.Error, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(F("bus/outbox")));
        Assert.False(Directory.Exists(F("bus/sent")) && Directory.GetFiles(F("bus/sent")).Length > 0);
        Assert.False(Directory.Exists(F("no-such-drop-folder")));
    }

    [Fact]
    public void Upload_ToAnExistingDropFolder_StillDelivers()
    {
        Assert.Equal(0, CliRunner.Run("card", "new", "--out", F("c.json"), "--balance", "1000").ExitCode);
        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "000000110001").ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "3", "--stop", "1", "--data", F("bus")).ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "close-batch", "--data", F("bus")).ExitCode);
        Directory.CreateDirectory(F("drop"));
        Assert.Equal(0, CliRunner.Run("terminal", "upload", "--data", F("bus"), "--centre", F("drop")).ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "upload", "--data", F("bus"), "--centre", "file:" + F("drop")).ExitCode);
        Assert.Single(Directory.GetFiles(F("drop"), "*.ccb"));
    }
}
