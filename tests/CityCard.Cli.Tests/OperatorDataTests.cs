using Microsoft.Data.Sqlite;

namespace CityCard.Cli.Tests;

/// <summary>The commands that write made-up data (bench, simulate) leave an operator's database and folders alone.</summary>
public sealed class OperatorDataTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-cli-operator-data-").FullName;
    private readonly string db;

    public OperatorDataTests() => db = "sqlite:" + Path.Combine(directory, "centre.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("bench", "clearing", "--records", "1000", "--cards", "100")]
    [InlineData("simulate", "--preset", "tiny", "--out", "OUT")]
    public void MadeUpData_DatabaseNotEmpty_ExitsOneWritingNothing(params string[] command)
    {
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "merchant", "add", "--db", db, "--id", "9", "--name", "City Bus", "--category", "transport").ExitCode);
        var output = Path.Combine(directory, "out");

        var result = CliRunner.Run([.. command.Select(a => a == "OUT" ? output : a), "--db", db]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: --db {db}: the database is not empty (it has merchants); {command[0]}", result.Error, StringComparison.Ordinal);
        Assert.Equal("9\tCity Bus\ttransport\t0 bps", CliRunner.Run("centre", "merchant", "list", "--db", db).Line);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("simulate", "--preset", "tiny")]
    [InlineData("demo", "--no-serve")]
    public void Simulate_OutFolderNotItsOwn_ExitsOneLeavingItAlone(params string[] command)
    {
        var output = Directory.CreateDirectory(Path.Combine(directory, "mine")).FullName;
        File.WriteAllText(Path.Combine(output, "notes.txt"), "keep me");

        var result = CliRunner.Run([.. command, "--out", output]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: --out {output}: the folder holds files the simulator did not make (notes.txt)", result.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(output, "notes.txt")));
    }

    [Fact]
    public void Simulate_OutFolderFromAnEarlierRun_Recreated()
    {
        var output = Path.Combine(directory, "sim");
        Assert.Equal(0, CliRunner.Run("simulate", "--preset", "tiny", "--scale", "0.2", "--out", output).ExitCode);
        File.WriteAllText(Path.Combine(output, "terminals", "leftover.txt"), "from the earlier run");
        SqliteConnection.ClearAllPools(); // a pooled connection would keep the deleted centre.db open in this process

        var again = CliRunner.Run("simulate", "--preset", "tiny", "--scale", "0.2", "--out", output);

        Assert.Equal(0, again.ExitCode);
        Assert.Contains($"{output} exists from an earlier run; recreating it", again.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, "terminals", "leftover.txt")));
    }
}
