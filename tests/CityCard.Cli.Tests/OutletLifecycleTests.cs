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
        await using var app = await StartCentreWithOutlet(db, ct);
        string[] outlet = ["--psam", F("op.json"), "--operator", "10", "--data", F("outlet"), "--centre", app.Urls.First()];
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
        Assert.Equal(0, await Task.Run(() => CliRunner.Run("terminal", "upload", "--data", F("outlet"), "--centre", app.Urls.First()).ExitCode, ct));

        var refund = await Task.Run(() => CliRunner.Run(["terminal", "outlet", "refund", "--card", F("card.json"), "--clerk", "alice", .. holder, .. outlet]), ct);
        Assert.True(refund.ExitCode == 0, refund.Error + refund.Out);
        Assert.Contains("Refunded ¥65.00", refund.Out, StringComparison.Ordinal);
        Assert.Contains("card blocked", refund.Out, StringComparison.Ordinal);
        Assert.Contains("BLOCKED", CliRunner.Run("card", "show", F("card.json")).Out, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("audit", "--db", db).ExitCode);
    }

    [Fact]
    public async Task Outlet_RefundHeldForApproval_FinishedByRepeatingTheRequestAndPaidOutOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = $"sqlite:{F("centre.db")}";
        await using var app = await StartCentreWithOutlet(db, ct);
        string[] outlet = ["--psam", F("op.json"), "--operator", "10", "--data", F("outlet"), "--centre", app.Urls.First()];
        string[] refund = ["terminal", "outlet", "refund", "--card", F("card.json"), "--clerk", "alice", "--request-id", "R-1", "--name", "Zhang Wei", "--id-number", "220202199001011234", .. outlet];
        string[] sell = ["terminal", "outlet", "sell-product", "--out", F("card.json"), "--product", "registered", "--clerk", "alice", "--request-id", "S-1", "--name", "Zhang Wei", "--id-number", "220202199001011234", .. outlet];
        var sale = await Task.Run(() => CliRunner.Run(sell), ct);
        Assert.True(sale.ExitCode == 0, sale.Error + sale.Out);
        var resold = await Task.Run(() => CliRunner.Run(sell), ct);
        Assert.True(resold.ExitCode == 0, resold.Error + resold.Out);
        var another = await Task.Run(() => CliRunner.Run(sell.Where(a => a != "--request-id" && a != "S-1").ToArray()), ct);
        Assert.Equal(2, another.ExitCode);
        Assert.Contains("already exists", another.Error, StringComparison.Ordinal);
        Assert.Equal(0, await Task.Run(() => CliRunner.Run(["terminal", "outlet", "load", "--card", F("card.json"), "--amount", "60000", .. outlet]).ExitCode, ct));
        Assert.Equal(0, CliRunner.Run("terminal", "close-batch", "--data", F("outlet")).ExitCode);
        Assert.Equal(0, await Task.Run(() => CliRunner.Run("terminal", "upload", "--data", F("outlet"), "--centre", app.Urls.First()).ExitCode, ct));

        // ¥615.00 is above the approval amount: held; the clerk is told how to finish it once approved.
        var held = await Task.Run(() => CliRunner.Run(refund), ct);
        Assert.Equal(1, held.ExitCode);
        Assert.Contains("refund again with --request-id R-1", held.Out + held.Error, StringComparison.Ordinal);
        var approve = CliRunner.Run("cards", "approve", "--db", db, "--operator", "bob", "--approval", "1");
        Assert.True(approve.ExitCode == 0, approve.Error + approve.Out);

        // Until 2026-11-26 the same request answered "awaiting approval" for ever and a new one "closed": the card was
        // never blocked and the outlet's cash never showed the payout the centre took from it.
        var done = await Task.Run(() => CliRunner.Run(refund), ct);
        Assert.True(done.ExitCode == 0, done.Error + done.Out);
        Assert.Contains("Refunded ¥615.00", done.Out, StringComparison.Ordinal);
        Assert.Contains("BLOCKED", CliRunner.Run("card", "show", F("card.json")).Out, StringComparison.Ordinal);
        var again = await Task.Run(() => CliRunner.Run(refund), ct);
        Assert.True(again.ExitCode == 0, again.Error + again.Out);
        var report = CliRunner.Run("terminal", "outlet", "report", "--psam", F("op.json"), "--data", F("outlet"));
        Assert.Contains("refund     -¥615.00", report.Out, StringComparison.Ordinal);
        Assert.Contains("deposit    ¥20.00", report.Out, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("audit", "--db", db).ExitCode);
    }

    // A centre on loopback that knows outlet operator 10 and its counter terminal 000000330003, whose PSAM is op.json.
    private async Task<Microsoft.AspNetCore.Builder.WebApplication> StartCentreWithOutlet(string db, CancellationToken ct)
    {
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "merchant", "add", "--db", db, "--id", "10", "--name", "outlets", "--category", "outlet").ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "device", "add", "--db", db, "--id", "3342339", "--kind", "outlet", "--operator", "10", "--terminal", "000000330003").ExitCode);
        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("op.json"), "--terminal", "000000330003").ExitCode);
        var app = ClearingServer.Build(new ServerOptions { Database = db }, ["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync(ct);
        return app;
    }

    private string F(string name) => Path.Combine(folder, name);
}
