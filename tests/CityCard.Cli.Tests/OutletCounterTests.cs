using System.Text.Json;
using CityCard.Cards.Application;
using CityCard.Cards.Cos;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Server;
using CityCard.Terminals.Outlet;
using Microsoft.Data.Sqlite;

namespace CityCard.Cli.Tests;

/// <summary>
/// The outlet's counter operations against the real centre server on loopback, signed as the outlet device: concession
/// renewal and product change written to the card, loss report, un-report, and replacement with the recovered value
/// claimed onto the new card.
/// </summary>
public sealed class OutletCounterTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("citycard-cli-counter-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Outlet_RenewChangeLostFoundReplace_OverHttp()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = $"sqlite:{F("centre.db")}";
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "merchant", "add", "--db", db, "--id", "10", "--name", "outlets", "--category", "outlet").ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "device", "add", "--db", db, "--id", "3342339", "--kind", "outlet", "--operator", "10", "--terminal", "000000330003").ExitCode);
        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("op.json"), "--terminal", "000000330003").ExitCode);
        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("bus1.json"), "--terminal", "000000110001").ExitCode);
        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("bus2.json"), "--terminal", "000000110002").ExitCode);
        var clock = new ShiftedClock();
        await using var app = ClearingServer.Build(new ServerOptions { Database = db, Clock = clock, SignatureWindow = TimeSpan.FromDays(30) }, ["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync(ct);
        var url = app.Urls.First();
        string[] outlet = ["--psam", F("op.json"), "--operator", "10", "--data", F("outlet"), "--centre", url, "--clerk", "alice"];
        string[] holder = ["--name", "Zhang Wei", "--id-number", "220202199001011234"];
        Task<CliResult> Run(params string[] args) => Task.Run(() => CliRunner.Run(args), ct);

        var sale = await Run(["terminal", "outlet", "sell-product", "--out", F("card.json"), "--product", "student", .. holder, .. outlet]);
        Assert.True(sale.ExitCode == 0, sale.Error + sale.Out);
        var asn = JsonDocument.Parse(CliRunner.Run("card", "show", F("card.json"), "--json").Out).RootElement.GetProperty("asn").GetString()!;
        Assert.Equal(0, CliRunner.Run("cards", "topup", "--db", db, "--payment-id", "WX-1", "--asn", asn, "--amount", "5000").ExitCode);
        Assert.Equal(0, (await Run(["terminal", "outlet", "claim", "--card", F("card.json"), .. outlet[..^2]])).ExitCode);

        // The concession's verification date passes (written on the card as the outlet would): the bus charges the full fare.
        Expire(F("card.json"));
        var full = await Run("terminal", "bus", "tap", "--card", F("card.json"), "--psam", F("bus1.json"), "--route", "3", "--stop", "1", "--data", F("bus1"));
        Assert.True(full.ExitCode == 0, full.Error + full.Out);
        Assert.Contains("Paid ¥2.00", full.Out, StringComparison.Ordinal);
        Assert.Contains("concession expired", full.Out, StringComparison.Ordinal);

        var renew = await Run(["terminal", "outlet", "renew", "--card", F("card.json"), .. holder, .. outlet]);
        Assert.True(renew.ExitCode == 0, renew.Error + renew.Out);
        Assert.Contains($"concession valid until {DateTime.UtcNow.AddHours(8).AddMonths(12):yyyy-MM}", renew.Out, StringComparison.Ordinal);
        var half = await Run("terminal", "bus", "tap", "--card", F("card.json"), "--psam", F("bus2.json"), "--route", "3", "--stop", "1", "--data", F("bus2"));
        Assert.Contains("Paid ¥1.00", half.Out, StringComparison.Ordinal);
        Assert.Contains("student concession", half.Out, StringComparison.Ordinal);
        Assert.Contains("concession-renewal", CliRunner.Run("cards", "log", "--db", db).Out, StringComparison.Ordinal);

        var change = await Run(["terminal", "outlet", "change", "--card", F("card.json"), "--product", "registered", .. holder, .. outlet]);
        Assert.True(change.ExitCode == 0, change.Error + change.Out);
        Assert.Contains("deposit taken ¥10.00", change.Out, StringComparison.Ordinal);
        Assert.Equal("ordinary", JsonDocument.Parse(CliRunner.Run("card", "show", F("card.json"), "--json").Out).RootElement.GetProperty("cardType").GetString());
        var bad = await Run(["terminal", "outlet", "change", "--card", F("card.json"), "--product", "gold", .. holder, .. outlet]);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("gold", bad.Error, StringComparison.Ordinal);

        string[] lost = ["--asn", asn, .. holder, .. outlet];
        Assert.Contains("reported lost", (await Run(["terminal", "outlet", "lost", .. lost])).Out, StringComparison.Ordinal);
        var again = await Run(["terminal", "outlet", "lost", .. lost]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already reported lost", again.Error, StringComparison.Ordinal);
        var wrong = await Run(["terminal", "outlet", "found", "--asn", asn, "--name", "Li Na", "--id-number", "220202199001011234", .. outlet]);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("found", (await Run(["terminal", "outlet", "found", .. lost])).Out, StringComparison.Ordinal);
        Assert.Equal(0, (await Run(["terminal", "outlet", "lost", .. lost])).ExitCode);
        Assert.Equal(2, (await Run(["terminal", "outlet", "lost", "--asn", "12", .. holder, .. outlet])).ExitCode);

        Assert.Equal(0, CliRunner.Run("terminal", "close-batch", "--data", F("outlet")).ExitCode);
        Assert.Equal(0, await Run("terminal", "upload", "--data", F("outlet"), "--centre", url).ContinueWith(t => t.Result.ExitCode, ct));
        var early = await Run(["terminal", "outlet", "replace", "--asn", asn, "--out", F("new.json"), .. holder, .. outlet]);
        Assert.Equal(1, early.ExitCode);
        Assert.False(File.Exists(F("new.json")));

        clock.Offset = TimeSpan.FromDays(8);

        // A folder that is not there is refused before the centre replaces anything (the new card could not be written).
        var nowhere = await Run(["terminal", "outlet", "replace", "--asn", asn, "--out", F(Path.Combine("missing", "new.json")), .. holder, .. outlet]);
        Assert.Equal(2, nowhere.ExitCode);
        Assert.Contains("does not exist", nowhere.Error, StringComparison.Ordinal);
        var replace = await Run(["terminal", "outlet", "replace", "--asn", asn, "--out", F("new.json"), .. holder, .. outlet]);
        Assert.True(replace.ExitCode == 0, replace.Error + replace.Out);
        Assert.Contains("replaced by", replace.Out, StringComparison.Ordinal);
        Assert.Contains("recovered ¥50.00", replace.Out, StringComparison.Ordinal);
        Assert.Contains("Credited ¥50.00 — balance ¥50.00", replace.Out, StringComparison.Ordinal);
        Assert.Equal(2, (await Run(["terminal", "outlet", "replace", "--asn", asn, "--out", F("new.json"), .. holder, .. outlet])).ExitCode);
        var newAsn = JsonDocument.Parse(CliRunner.Run("card", "show", F("new.json"), "--json").Out).RootElement.GetProperty("asn").GetString()!;
        Assert.Contains("claimed", CliRunner.Run("cards", "credits", "--db", db, "--asn", newAsn).Out, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("terminal", "close-batch", "--data", F("outlet")).ExitCode);
        Assert.Equal(0, await Run("terminal", "upload", "--data", F("outlet"), "--centre", url).ContinueWith(t => t.Result.ExitCode, ct));
        var audit = CliRunner.Run("audit", "--db", db);
        Assert.True(audit.ExitCode == 0, audit.Out + audit.Error);
    }

    private static void Expire(string path)
    {
        var card = SoftCard.Load(path);
        var written = TopUpOutlet.Rewrite(card, card.Asn, DemoKeySet.Create(EpAlgorithm.Des), null, new ConcessionData { ValidUntil = new DateOnly(2020, 8, 31) });
        Assert.Equal(Terminals.Common.TapOutcome.Completed, written.Outcome);
        card.Save(path);
    }

    private string F(string name) => Path.Combine(folder, name);

    /// <summary>The system clock moved by an offset (the centre's waiting period passes without waiting).</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }
}
