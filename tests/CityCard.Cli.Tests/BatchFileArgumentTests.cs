using System.IO.Pipes;

namespace CityCard.Cli.Tests;

/// <summary><c>batch dump|verify FILE</c> with a pipe, a folder or a missing path.</summary>
public sealed class BatchFileArgumentTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-cli-batch-args-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Verify_Pipe_ReadOnceAndSound()
    {
        Assert.SkipUnless(Directory.Exists("/proc/self/fd"), "needs /proc/self/fd (Linux)");
        var bytes = File.ReadAllBytes(MakeBatch());
        using var writer = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.None);
        using var reader = writer.ClientSafePipeHandle;
        var path = $"/proc/self/fd/{writer.GetClientHandleAsString()}";
        writer.Write(bytes);
        writer.Dispose(); // the writing end closed, as `cat` closes it: the pipe holds the file, then ends

        var result = CliRunner.Run("batch", "verify", path);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"{path}: sound — batch 1 of device 1114113, 1 records", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("dump")]
    public void Batch_Folder_ExitsTwoSayingItIsAFolder(string command)
    {
        var result = CliRunner.Run("batch", command, directory);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"error: {directory}: is a folder, not a batch file", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("dump")]
    public void Batch_MissingFile_ExitsTwoAsClearDoes(string command)
    {
        var missing = Path.Combine(directory, "no-such.ccb");

        var result = CliRunner.Run("batch", command, missing);
        var clear = CliRunner.Run("clear", "--db", "sqlite:" + Path.Combine(directory, "centre.db"), missing);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(clear.ExitCode, result.ExitCode);
        Assert.Contains($"error: {missing}: no such file", result.Error, StringComparison.Ordinal);
    }

    private string MakeBatch()
    {
        string F(string name) => Path.Combine(directory, name);
        Assert.Equal(0, CliRunner.Run("card", "new", "--out", F("c.json"), "--balance", "1000").ExitCode);
        Assert.Equal(0, CliRunner.Run("psam", "new", "--out", F("p.json"), "--terminal", "000000110001").ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "bus", "tap", "--card", F("c.json"), "--psam", F("p.json"), "--route", "3", "--stop", "12", "--data", F("bus")).ExitCode);
        Assert.Equal(0, CliRunner.Run("terminal", "close-batch", "--data", F("bus")).ExitCode);
        return Directory.GetFiles(Path.Combine(F("bus"), "outbox")).Single();
    }
}
