namespace CityCard.Cli.Tests;

/// <summary>A mistyped SQLite path is refused by every command that works on an existing centre, and nothing is created.</summary>
public sealed class MissingDatabaseTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-cli-missing-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("audit")]
    [InlineData("audit", "--json")]
    [InlineData("centre", "records")]
    [InlineData("centre", "gaps")]
    [InlineData("centre", "merchant", "list")]
    [InlineData("centre", "merchant", "add", "--id", "9", "--name", "Bus", "--category", "transport")]
    [InlineData("centre", "operator", "list")]
    [InlineData("cards", "approvals")]
    [InlineData("settle", "--date", "2026-11-20")]
    [InlineData("clear", "FILE")]
    public void Command_SqliteFileMissing_ExitsOneAndCreatesNothing(params string[] command)
    {
        var file = Path.Combine(directory, "batch.ccb");
        File.WriteAllBytes(file, [1, 2, 3]);
        var path = Path.Combine(directory, "nodir", "sub", "x.db");
        string[] args = [.. command.Select(a => a == "FILE" ? file : a), "--db", "sqlite:" + path];

        var result = CliRunner.Run(args);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: no database at {path}; create it with: citycard db migrate --db sqlite:{path}", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(directory, "nodir")));
    }

    [Fact]
    public void DbMigrate_SqliteFileMissing_CreatesIt()
    {
        var path = Path.Combine(directory, "new", "centre.db");

        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", "sqlite:" + path).ExitCode);

        Assert.True(File.Exists(path));
        Assert.Equal(0, CliRunner.Run("audit", "--db", "sqlite:" + path).ExitCode);
    }
}
