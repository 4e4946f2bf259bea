namespace CityCard.Cli.Tests;

/// <summary><c>citycard bench clearing</c>: a small real run on a temporary SQLite file, and every bad argument refused with exit 2.</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public void BenchClearing_SmallRunOnSqlite_PrintsTheTableAndTheExtrapolatedDay()
    {
        var result = CliRunner.Run("bench", "clearing", "--db", "sqlite", "--records", "2000", "--cards", "100");

        Assert.True(result.ExitCode == 0, result.Error);
        // The library's mode is the process's (multi-thread unless a connection opened before the store's first).
        Assert.Matches(@"SQLite \(WAL, synchronous=NORMAL, (multi-thread|serialized) mode\): 2,000 purchase records of 100 cards in 1 batches", result.Out);
        Assert.Contains("| Run | End to end | CPU | GC pauses (gen2 collections) | Read + verify (all cores) | Raw TAC (1 core) | Raw insert, unique index | CPU |", result.Out, StringComparison.Ordinal);
        var row = Assert.Single(result.Out.Split('\n'), line => line.StartsWith("| 1 | ", StringComparison.Ordinal));
        // The GC cell: seconds paused and full collections, e.g. "0.01 s (0)"; one cell per column of the header.
        var cells = row.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();
        Assert.Equal(13, cells.Length);
        Assert.Matches(@"^\d+\.\d\d s \(\d+\)$", cells[3]);
        // SQLite runs in the process: no server's share to show.
        Assert.Contains("| Settle + audit | Server's share of end-to-end CPU |", result.Out, StringComparison.Ordinal);
        Assert.EndsWith("| – |", row.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("20,000,000-record day, EXTRAPOLATED", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--records", "0", "--records: '0' is not a whole number from 1 to 100,000,000")]
    [InlineData("--records", "lots", "--records: 'lots' is not a whole number")]
    [InlineData("--runs", "99", "--runs: '99' is not a whole number from 1 to 20")]
    [InlineData("--cards", "-3", "--cards: '-3' is not a whole number")]
    [InlineData("--db", "mysql://x/y", "--db: 'mysql://x/y' is not a database URL")]
    public void BenchClearing_BadArgument_ExitTwoNamingIt(string option, string value, string message)
    {
        var result = CliRunner.Run("bench", "clearing", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public void BenchClearing_UrlWithSeveralRuns_OrTooFewCards_ExitTwo()
    {
        var runs = CliRunner.Run("bench", "clearing", "--db", "sqlite:/tmp/never-created-citycard-bench.db", "--runs", "2");
        var cards = CliRunner.Run("bench", "clearing", "--records", "20000000", "--cards", "2");

        Assert.Equal((2, 2), (runs.ExitCode, cards.ExitCode));
        Assert.Contains("--runs: a database given by URL is used once", runs.Error, StringComparison.Ordinal);
        Assert.Contains("--cards: 20,000,000 records over 2 cards need more than 60,000 transactions per card", cards.Error, StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/never-created-citycard-bench.db"));
    }
}
