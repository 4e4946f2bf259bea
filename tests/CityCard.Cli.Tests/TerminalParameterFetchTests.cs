using System.Text.Json;
using CityCard.Server;

namespace CityCard.Cli.Tests;

/// <summary>
/// <c>terminal params fetch --centre URL</c> end to end: the centre blacklists a card, a real bus terminal fetches the
/// delta over HTTP from the real server on a loopback port, refuses the card, and its later records carry the new version.
/// </summary>
public sealed class TerminalParameterFetchTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("citycard-cli-params-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string F(string name) => Path.Combine(folder, name);

    private static CliResult Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.Error + result.Out);
        return result;
    }

    private string NewCard(string name, string db)
    {
        Ok(CliRunner.Run("card", "new", "--out", F(name), "--balance", "1000"));
        var asn = JsonDocument.Parse(CliRunner.Run("card", "show", F(name), "--json").Out).RootElement.GetProperty("asn").GetString()!;
        Ok(CliRunner.Run("centre", "card", "add", "--db", db, "--asn", asn, "--outlet", "10", "--balance", "1000"));
        return asn;
    }

    [Fact]
    public async Task Fetch_DeltaAfterBlacklisting_BusRefusesTheCard_AndLaterRecordsCarryTheNewVersion()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = $"sqlite:{F("centre.db")}";
        Ok(CliRunner.Run("db", "migrate", "--db", db));
        Ok(CliRunner.Run("centre", "merchant", "add", "--db", db, "--id", "1", "--name", "bus", "--category", "transport"));
        Ok(CliRunner.Run("centre", "merchant", "add", "--db", db, "--id", "10", "--name", "outlets", "--category", "card services"));
        var lost = NewCard("lost.json", db);
        NewCard("other.json", db);
        Ok(CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "000000110001"));
        Ok(CliRunner.Run("centre", "device", "add", "--db", db, "--id", "1114113", "--kind", "bus", "--operator", "1", "--terminal", "000000110001"));
        // The first tap installs the terminal with the factory parameters (version 1).
        Ok(CliRunner.Run("terminal", "bus", "tap", "--card", F("lost.json"), "--psam", F("p.json"), "--route", "3", "--stop", "1", "--data", F("bus")));
        Ok(CliRunner.Run("centre", "card", "lost", "--db", db, "--asn", lost, "--reason", "stolen"));

        await using var app = ClearingServer.Build(new ServerOptions { Database = db }, ["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync(ct);
        var url = app.Urls.First();
        var fetch = await Task.Run(() => CliRunner.Run("terminal", "params", "fetch", "--data", F("bus"), "--centre", url), ct);
        var again = await Task.Run(() => CliRunner.Run("terminal", "params", "fetch", "--data", F("bus"), "--centre", url), ct);
        Ok(CliRunner.Run("centre", "device", "add", "--db", db, "--id", "1114114", "--kind", "bus", "--operator", "1"));
        Ok(CliRunner.Run("centre", "device", "revoke", "--db", db, "--id", "1114114"));
        Ok(CliRunner.Run("terminal", "bus", "tap", "--card", F("other.json"), "--psam", F("p.json"), "--route", "3", "--stop", "1", "--data", F("revoked"), "--device-id", "1114114"));
        var revoked = await Task.Run(() => CliRunner.Run("terminal", "params", "fetch", "--data", F("revoked"), "--centre", url), ct);
        await app.StopAsync(ct);

        Ok(fetch);
        Assert.Contains("parameters version 2 installed from the centre (delta from version 1; blacklist version 1, 1 cards)", fetch.Out, StringComparison.Ordinal);
        Ok(again);
        Assert.Contains("parameters version 2 are up to date", again.Out, StringComparison.Ordinal);
        Assert.Equal(1, revoked.ExitCode);
        Assert.Contains("device 1114114 is revoked", revoked.Error, StringComparison.Ordinal);

        var refused = CliRunner.Run("terminal", "bus", "tap", "--card", F("lost.json"), "--psam", F("p.json"), "--route", "3", "--stop", "2", "--data", F("bus"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Card blocked", refused.Out, StringComparison.Ordinal);
        Ok(CliRunner.Run("terminal", "bus", "tap", "--card", F("other.json"), "--psam", F("p.json"), "--route", "3", "--stop", "2", "--data", F("bus")));
        var batch = Ok(CliRunner.Run("terminal", "close-batch", "--data", F("bus"))).Out.Split(": ", 2)[1].Trim();
        Assert.Contains("parameters v2", Ok(CliRunner.Run("batch", "dump", batch)).Out, StringComparison.Ordinal);
        var records = Ok(CliRunner.Run("batch", "dump", batch, "--json")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // The tap before the fetch knew no blacklist (factory version 0); the tap after it carries version 1.
        Assert.Equal([0, 1], records.Select(r => r.GetProperty("blacklistVersion").GetInt32()));

        var pickups = Ok(CliRunner.Run("centre", "params", "pickups", "--db", db, "--device", "1114113")).Out;
        Assert.Contains("device 1114113\tparameter version 2\tblacklist version 1\tdelta", pickups, StringComparison.Ordinal);
        Assert.Equal(2, CliRunner.Run("terminal", "params", "fetch", "--data", F("bus"), "--centre", "ftp://x").ExitCode);
        var unreachable = CliRunner.Run("terminal", "params", "fetch", "--data", F("bus"), "--centre", "http://127.0.0.1:9");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("cannot reach the centre", unreachable.Error, StringComparison.Ordinal);
    }
}
