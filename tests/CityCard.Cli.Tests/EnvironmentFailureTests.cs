using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;

namespace CityCard.Cli.Tests;

/// <summary>A damaged database, a busy port, a device as a batch file: exit 1 (or 2) naming the problem, never a crash.</summary>
public sealed class EnvironmentFailureTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-cli-failure-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("audit")]
    [InlineData("audit", "--json")]
    public void Audit_DamagedSqliteFile_ExitsOneNamingTheDatabaseWithoutAStackTrace(params string[] command)
    {
        var path = Path.Combine(directory, "centre.db");
        var db = "sqlite:" + path;
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);
        Assert.Equal(0, CliRunner.Run("centre", "merchant", "add", "--db", db, "--id", "9", "--name", "Bus", "--category", "transport").ExitCode);
        SqliteConnection.ClearAllPools();
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            // Pages in the middle of the file (tables and indexes of the schema) overwritten.
            file.Position = file.Length / 2;
            file.Write(Enumerable.Repeat((byte)0xFF, 8192).ToArray());
        }

        var result = CliRunner.Run([.. command, "--db", db]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: database {db}: SQLite Error 11: 'database disk image is malformed'", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Clear_DeviceWithoutEnd_ExitsOneNamingTheSizeLimit()
    {
        Assert.SkipUnless(File.Exists("/dev/zero"), "needs /dev/zero");
        var db = "sqlite:" + Path.Combine(directory, "centre.db");
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);

        var result = CliRunner.Run("clear", "--db", db, "/dev/zero");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/dev/zero: larger than the largest batch file (80000080 bytes)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_PortInUse_ExitsOneNamingTheAddress()
    {
        var db = "sqlite:" + Path.Combine(directory, "centre.db");
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)busy.LocalEndpoint).Port}";

        var result = CliRunner.RunUntil(TestContext.Current.CancellationToken, "serve", "--db", db, "--urls", url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: --urls {url}: cannot listen on", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_PortInUse_ExitsOneBeforeSimulating()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)busy.LocalEndpoint).Port}";
        var output = Path.Combine(directory, "demo");

        var result = CliRunner.Run("demo", "--out", output, "--urls", url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: --urls {url}: cannot listen on", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Theory]
    [InlineData("notaurl")]
    [InlineData("ftp://127.0.0.1:2121")]
    [InlineData("http://127.0.0.1:99999")]
    public void Serve_UrlNotHttp_ExitsTwoNamingIt(string url)
    {
        var db = "sqlite:" + Path.Combine(directory, "centre.db");
        Assert.Equal(0, CliRunner.Run("db", "migrate", "--db", db).ExitCode);

        var result = CliRunner.RunUntil(TestContext.Current.CancellationToken, "serve", "--db", db, "--urls", url);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--urls: '{url}' is not an http:// or https:// URL", result.Error, StringComparison.Ordinal);
    }
}
