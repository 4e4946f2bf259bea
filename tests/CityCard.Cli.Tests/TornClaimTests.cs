using CityCard.Cards.Apdu;
using CityCard.Cards.Cos;
using CityCard.Cards.Psam;
using CityCard.Cli.Commands;
using CityCard.Records;
using CityCard.Server;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;
using CityCard.Terminals.Outlet;
using Microsoft.Data.Sqlite;

namespace CityCard.Cli.Tests;

/// <summary>
/// A claim of pending credits whose card write is torn, at the outlet terminal against the real centre server: the card
/// is loaded once and the credit claimed once, whether CREDIT FOR LOAD reached the card (recovered with GET TRANSACTION
/// PROVE) or not (the centre lapses the first authorisation when the card shows the same online counter).
/// </summary>
public sealed class TornClaimTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("citycard-cli-torn-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Claim_CreditForLoadTorn_CardLoadedOnceCreditClaimedOnce(bool cardWritten)
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
        var sale = await Task.Run(() => CliRunner.Run("terminal", "outlet", "sell-product", "--out", F("card.json"), "--product", "registered", "--clerk", "alice", "--name", "Zhang Wei", "--id-number", "220202199001011234", "--psam", F("op.json"), "--operator", "10", "--data", F("outlet"), "--centre", url), ct);
        Assert.True(sale.ExitCode == 0, sale.Error + sale.Out);
        var card = SoftCard.Load(F("card.json"));
        Assert.Equal(0, CliRunner.Run("cards", "topup", "--db", db, "--payment-id", "WX-1", "--asn", card.Asn.ToString(), "--amount", "4000").ExitCode);

        await Task.Run(
            () =>
            {
                using var client = new HttpClient();
                using var core = TerminalCore.Open(F("outlet"), TimeProvider.System);
                var authority = new HttpLoadAuthority(client, new Uri(url + "/"), core.Config.DeviceId, Security.Hex.Parse(core.Config.UploadKey, "uploadKey", 16), TimeProvider.System) { ClaimCredits = true };
                var outlet = new TopUpOutlet(core, authority, SoftPsam.Load(F("op.json")).Terminal);

                var torn = outlet.Claim(new TearAtCredit(card, cardWritten), 4_000);
                Assert.Equal(TapOutcome.PresentAgain, torn.Outcome);
                Assert.Equal(cardWritten ? 4_000 : 0, card.Purse.Balance);

                var again = outlet.Claim(card, 4_000);
                Assert.True(again.IsSuccess, again.Message);
                Assert.Equal(cardWritten ? TapOutcome.Recovered : TapOutcome.Completed, again.Outcome);
                Assert.Equal(4_000, card.Purse.Balance);
                Assert.Equal(1, card.Purse.OnlineCounter);

                // Nothing is left to claim: the card is not loaded a second time.
                Assert.Equal(TapOutcome.Refused, outlet.Claim(card, 4_000).Outcome);
                Assert.Equal(4_000, card.Purse.Balance);
                var load = Assert.Single(core.AllRecords, r => r.Kind == RecordKind.Load);
                Assert.Equal(cardWritten ? RecordMarks.RecoveredByProve : RecordMarks.None, load.Marks);
                Assert.DoesNotContain(core.Cash, c => c.Reason == "load");
                Assert.Empty(core.Pending);
            },
            ct);

        var credits = CliRunner.Run("cards", "credits", "--db", db, "--asn", card.Asn.ToString()).Out;
        Assert.Single(credits.Split('\n'), line => line.Contains("\tclaimed\t", StringComparison.Ordinal));
        Assert.DoesNotContain("\treserved\t", credits, StringComparison.Ordinal);
        Assert.DoesNotContain("\tavailable\t", credits, StringComparison.Ordinal);
        Assert.Equal(cardWritten, !CliRunner.Run("cards", "log", "--db", db).Out.Contains("load-lapsed", StringComparison.Ordinal));
        Assert.Equal(0, CliRunner.Run("terminal", "close-batch", "--data", F("outlet")).ExitCode);
        Assert.Equal(0, await Task.Run(() => CliRunner.Run("terminal", "upload", "--data", F("outlet"), "--centre", url).ExitCode, ct));
        var audit = CliRunner.Run("audit", "--db", db);
        Assert.True(audit.ExitCode == 0, audit.Out + audit.Error);
    }

    private string F(string name) => Path.Combine(folder, name);

    /// <summary>A reader that loses the card at CREDIT FOR LOAD, after the card executed it or before.</summary>
    private sealed class TearAtCredit(IApduChannel card, bool cardExecutes) : IApduChannel
    {
        public byte[] Transmit(ReadOnlySpan<byte> command)
        {
            if (command.Length >= 2 && command[0] == 0x80 && command[1] == 0x52)
            {
                if (cardExecutes)
                {
                    card.Transmit(command);
                }

                throw new CardLostException("the card left the field during CREDIT FOR LOAD");
            }

            return card.Transmit(command);
        }
    }
}
