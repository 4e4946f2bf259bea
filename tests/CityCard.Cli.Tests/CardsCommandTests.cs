using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace CityCard.Cli.Tests;

/// <summary><c>citycard cards …</c> on a SQLite file: the lifecycle from the command line, its refusals and exit codes.</summary>
public sealed class CardsCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-cli-cards-").FullName;
    private readonly string db;
    private readonly string products;

    public CardsCommandTests()
    {
        db = "sqlite:" + Path.Combine(directory, "centre.db");
        products = Path.Combine(directory, "products.json");

        // No waiting period, so a replacement can follow the loss report within the test.
        File.WriteAllText(products, """
            { "policy": { "waitingPeriodDays": 0 },
              "products": [ { "name": "anonymous", "cardType": "ordinary", "depositFen": 2000 },
                            { "name": "registered", "cardType": "ordinary", "registered": true, "depositFen": 2000 } ] }
            """);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void Cards_SaleLossReplacementTopUpHeal_WorkAndAuditHolds()
    {
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "merchant", "add", "--db", db, "--id", "12", "--name", "Outlet", "--category", "outlet").ExitCode);
        string[] holder = ["--name", "Zhang Wei", "--id-number", "220202199001011234"];
        var cardFile = Path.Combine(directory, "card.json");
        string[] sale = ["cards", "sale", "--db", db, "--products", products, "--operator", "alice", "--request-id", "s1", "--product", "registered", "--outlet", "12", "--out", cardFile, "--json", .. holder];

        var sold = CliRunner.Run(sale);
        Assert.Equal(0, sold.ExitCode);
        var asn = JsonDocument.Parse(sold.Out).RootElement.GetProperty("asn").GetString()!;
        Assert.Equal(sold.Out, CliRunner.Run(sale).Out);
        Assert.Contains(asn, CliRunner.Run("card", "show", cardFile).Out, StringComparison.Ordinal);

        var wrong = CliRunner.Run("cards", "lost", "--db", db, "--operator", "alice", "--asn", asn, "--name", "Li Na", "--id-number", "1");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("do not match the registered holder", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run(["cards", "lost", "--db", db, "--operator", "alice", "--asn", asn, .. holder]).ExitCode);
        Assert.Contains("already reported lost", CliRunner.Run(["cards", "lost", "--db", db, "--operator", "alice", "--asn", asn, .. holder]).Error, StringComparison.Ordinal);

        var replaced = CliRunner.Run(["cards", "replace", "--db", db, "--products", products, "--operator", "bob", "--asn", asn, "--outlet", "12", "--json", .. holder]);
        Assert.Equal(0, replaced.ExitCode);
        var newAsn = JsonDocument.Parse(replaced.Out).RootElement.GetProperty("newCard").GetProperty("asn").GetString()!;
        Assert.Contains("recoverable value 0 fen", CliRunner.Run("cards", "statement", "--db", db, "--asn", asn).Out, StringComparison.Ordinal);

        Assert.Equal(0, CliRunner.Run("cards", "topup", "--db", db, "--payment-id", "P1", "--asn", newAsn, "--amount", "5000").ExitCode);
        Assert.Equal(0, CliRunner.Run("cards", "topup", "--db", db, "--payment-id", "P1", "--asn", newAsn, "--amount", "5000").ExitCode);
        Assert.Single(CliRunner.Run("cards", "credits", "--db", db, "--asn", newAsn).Line.Split('\n'));
        var refund = CliRunner.Run(["cards", "refund", "--db", db, "--operator", "alice", "--asn", newAsn, "--outlet", "12", "--card-balance", "0", .. holder]);
        Assert.Equal(1, refund.ExitCode);
        Assert.Contains("pending credits", refund.Error, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("cards", "heal", "--db", db, "--operator", "night-job").ExitCode);
        Assert.Contains("loss-report", CliRunner.Run("cards", "log", "--db", db).Out, StringComparison.Ordinal);

        var audit = CliRunner.Run("audit", "--db", db);
        Assert.Equal(0, audit.ExitCode);
        Assert.Contains("OK   7", audit.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void CardsSale_OutNamesAnotherCard_RefusedBeforeAnythingIsSold()
    {
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "merchant", "add", "--db", db, "--id", "12", "--name", "Outlet", "--category", "outlet").ExitCode);
        var other = Path.Combine(directory, "other.json");
        Assert.Equal(0, CliRunner.Run("card", "new", "--out", other, "--balance", "5000").ExitCode);
        var before = File.ReadAllBytes(other);
        string[] sale = ["cards", "sale", "--db", db, "--products", products, "--operator", "alice", "--product", "anonymous", "--outlet", "12"];

        // Until 2026-11-26 the sale went through and the new card overwrote the file of a card holding ¥50.00.
        var overwrite = CliRunner.Run([.. sale, "--out", other]);
        var noFolder = CliRunner.Run([.. sale, "--out", Path.Combine(directory, "missing", "card.json")]);

        Assert.Equal((2, 2), (overwrite.ExitCode, noFolder.ExitCode));
        Assert.Contains("already exists", overwrite.Error, StringComparison.Ordinal);
        Assert.Contains("does not exist", noFolder.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(other));
        Assert.DoesNotContain("card-sale", CliRunner.Run("cards", "log", "--db", db).Out, StringComparison.Ordinal);

        // A repeated sale (its request id) finds its own card there and leaves it; under another card it names the fix.
        var fresh = Path.Combine(directory, "fresh.json");
        Assert.Equal(0, CliRunner.Run([.. sale, "--request-id", "s1", "--out", fresh]).ExitCode);
        Assert.Equal(0, CliRunner.Run([.. sale, "--request-id", "s1", "--out", fresh]).ExitCode);
        var misplaced = CliRunner.Run([.. sale, "--request-id", "s2", "--out", other]);
        Assert.Equal(1, misplaced.ExitCode);
        Assert.Contains("repeat the command with --request-id s2 and a new --out file", misplaced.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(other));
        Assert.Equal(0, CliRunner.Run([.. sale, "--request-id", "s2", "--out", Path.Combine(directory, "s2.json")]).ExitCode);
        Assert.Equal(0, CliRunner.Run("audit", "--db", db).ExitCode);
    }

    [Fact]
    public void Cards_BadArguments_Exit2NamingTheProblem()
    {
        var bad = Path.Combine(directory, "bad.json");
        File.WriteAllText(bad, """{ "products": [ { "name": "x", "cardType": "gold" } ] }""");

        var badFile = CliRunner.Run("cards", "products", "--products", bad);
        var noOperator = CliRunner.Run("cards", "sale", "--db", db, "--product", "anonymous", "--outlet", "12");
        var badAsn = CliRunner.Run("cards", "lost", "--db", db, "--operator", "a", "--asn", "XYZ", "--name", "n", "--id-number", "1");

        Assert.Equal((2, 2, 2), (badFile.ExitCode, noOperator.ExitCode, badAsn.ExitCode));
        Assert.Contains("cardType: 'gold'", badFile.Error, StringComparison.Ordinal);
        Assert.Contains("--operator", noOperator.Error, StringComparison.Ordinal);
        Assert.Contains("--asn", badAsn.Error, StringComparison.Ordinal);
        Assert.Contains("student", CliRunner.Run("cards", "products").Out, StringComparison.Ordinal);
    }
}
