using System.Text.Json;
using CityCard.Server;
using Microsoft.Data.Sqlite;

namespace CityCard.Cli.Tests;

/// <summary>The outlet terminal's counter operations against the real centre server on loopback: sale of a product, claim of an online top-up, refund.</summary>
public sealed class OutletLifecycleTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("citycard-cli-outlet-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Outlet_SellProductClaimTopUpRefund_OverHttp()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = $"sqlite:{F("centre.db")}";
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "merchant", "add", "--db", db, "--id", "10", "--name", "outlets", "--category", "outlet").ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "device", "add", "--db", db, "--id", "3342339", "--kind", "outlet", "--operator", "10", "--terminal", "000000330003").ExitCode);
        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("op.json"), "--terminal", "000000330003").ExitCode);
        await using var app = ClearingServer.Build(new ServerOptions { Database = db }, ["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync(ct);
        var url = app.Urls.First();
        string[] outlet = ["--psam", F("op.json"), "--operator", "10", "--data", F("outlet"), "--centre", url];
        string[] holder = ["--name", "Zhang Wei", "--id-number", "220202199001011234"];

        var sale = await Task.Run(() => CliRunner.Run(["terminal", "outlet", "sell-product", "--out", F("card.json"), "--product", "registered", "--clerk", "alice", .. holder, .. outlet]), ct);
        Assert.True(sale.ExitCode == 0, sale.Error + sale.Out);
        var asn = JsonDocument.Parse(CliRunner.Run("card", "show", F("card.json"), "--json").Out).RootElement.GetProperty("asn").GetString()!;

        Assert.Equal(0, CliRunner.Run("cards", "topup", "--db", db, "--payment-id", "WX-1", "--asn", asn, "--amount", "5000").ExitCode);
        var claim = await Task.Run(() => CliRunner.Run(["terminal", "outlet", "claim", "--card", F("card.json"), .. outlet]), ct);
        Assert.True(claim.ExitCode == 0, claim.Error + claim.Out);
        Assert.Contains("balance ¥50.00", claim.Out, StringComparison.Ordinal);
        Assert.Contains("claimed", CliRunner.Run("cards", "credits", "--db", db, "--asn", asn).Out, StringComparison.Ordinal);
        var noMore = await Task.Run(() => CliRunner.Run(["terminal", "outlet", "claim", "--card", F("card.json"), .. outlet]), ct);
        Assert.Equal(1, noMore.ExitCode);

        // Until the outlet's batch with the load is uploaded, the centre's shadow balance lags the card: refused.
        var early = await Task.Run(() => CliRunner.Run(["terminal", "outlet", "refund", "--card", F("card.json"), "--clerk", "alice", .. holder, .. outlet]), ct);
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("still on their way", early.Error, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("terminal", "close-batch", "--data", F("outlet")).ExitCode);
        Assert.Equal(0, await Task.Run(() => CliRunner.Run("terminal", "upload", "--data", F("outlet"), "--centre", url).ExitCode, ct));

        var refund = await Task.Run(() => CliRunner.Run(["terminal", "outlet", "refund", "--card", F("card.json"), "--clerk", "alice", .. holder, .. outlet]), ct);
        Assert.True(refund.ExitCode == 0, refund.Error + refund.Out);
        Assert.Contains("Refunded ¥65.00", refund.Out, StringComparison.Ordinal);
        Assert.Contains("card blocked", refund.Out, StringComparison.Ordinal);
        Assert.Contains("BLOCKED", CliRunner.Run("card", "show", F("card.json")).Out, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("audit", "--db", db).ExitCode);
    }

    private string F(string name) => Path.Combine(folder, name);
}
