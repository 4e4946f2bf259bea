using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace CityCard.Cli.Tests;

/// <summary>What README.md and docs/ say the tool does, run against the tool.</summary>
public sealed partial class DocumentationTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-cli-docs-").FullName;

    private static string Root => typeof(DocumentationTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void Readme_CardsLifeByHand_EveryStepSucceedsAndTheAuditHolds()
    {
        // The README's block, run in a temporary folder: its relative paths (./data/…, the card and PSAM files) moved
        // there, and the commands that use a default path given it (--data, --db). The TAC check by Python is left out.
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var block = LifeByHand().Match(readme);
        Assert.True(block.Success, "README.md has no 'A card's life by hand' sh block");
        var data = Path.Combine(directory, "data");
        var steps = block.Groups[1].Value.Split('\n')
            .Select(line => line.Split("  #")[0].Trim())
            .Where(line => line.Length > 0 && !line.Contains('|', StringComparison.Ordinal))
            .SelectMany(line => line.Split(" && "))
            .ToList();
        Assert.Contains(steps, s => s.StartsWith("./citycard clear ", StringComparison.Ordinal));

        var results = new List<CliResult>();
        foreach (var step in steps)
        {
            var args = Words(step).Skip(1).Select(word => word.StartsWith("data/", StringComparison.Ordinal) ? Path.Combine(directory, word)
                : word.EndsWith(".json", StringComparison.Ordinal) ? Path.Combine(directory, word) : word).ToList();
            if (args[0] is "db" or "centre" or "clear" or "audit")
            {
                args.AddRange(["--db", "sqlite:" + Path.Combine(data, "citycard.db")]);
            }

            if (args is ["terminal", "bus", "tap", ..])
            {
                args.AddRange(["--data", Path.Combine(data, "terminals", "1114113")]);
            }

            var result = CliRunner.Run([.. args]);
            Assert.True(result.ExitCode == 0, $"'{step}' exited {result.ExitCode}: {result.Error}{result.Out}");
            results.Add(result);
        }

        Assert.Contains("accepted 1 (100 fen)", results[^2].Out, StringComparison.Ordinal);
    }

    [Fact]
    public void ClearingDoc_AuditSection_ListsEveryInvariantTheToolReports()
    {
        var db = "sqlite:" + Path.Combine(directory, "centre.db");
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);
        var doc = File.ReadAllText(Path.Combine(Root, "docs", "clearing.md"));
        var audit = doc[doc.IndexOf("\n## Audit", StringComparison.Ordinal)..doc.IndexOf("\n## Storage", StringComparison.Ordinal)];

        var invariants = JsonDocument.Parse(CliRunner.Run("audit", "--db", db, "--json").Out).RootElement.GetProperty("invariants");

        Assert.NotEqual(0, invariants.GetArrayLength());
        foreach (var invariant in invariants.EnumerateArray())
        {
            var row = $"| {invariant.GetProperty("number").GetInt32()} | `{invariant.GetProperty("id").GetString()}` |";
            Assert.True(audit.Contains(row, StringComparison.Ordinal), $"docs/clearing.md's Audit table lacks {row}");
            foreach (var figure in invariant.GetProperty("figures").EnumerateObject())
            {
                Assert.Contains($"`{figure.Name}`", audit, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void SimulateHelp_DbDefault_IsTheOutFoldersDatabase()
    {
        var help = CliRunner.Run("simulate", "--help").Out;

        Assert.Contains("default sqlite:OUT/centre.db", help, StringComparison.Ordinal);
        Assert.DoesNotContain("./data/citycard.db", help, StringComparison.Ordinal);
    }

    private static List<string> Words(string line) =>
        [.. Word().Matches(line).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Value)];

    [GeneratedRegex("A card's life by hand[^`]*```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex LifeByHand();

    [GeneratedRegex("\"([^\"]*)\"|\\S+")]
    private static partial Regex Word();
}
