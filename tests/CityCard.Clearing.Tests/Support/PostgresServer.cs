using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CityCard.Clearing.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run: initdb in a temp folder, pg_ctl start on a free loopback port (unix
/// socket in the same folder), run as the postgres user when the tests run as root; stopped and deleted at the end.
/// Binaries come from PATH or /usr/lib/postgresql/*/bin; when none is found the PostgreSQL tests fail saying so.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string Superuser = "citycard";
    private string? root;
    private string? binaries;
    private bool asPostgresUser;

    public int Port { get; private set; }

    public string? Problem { get; private set; }

    public ValueTask InitializeAsync()
    {
        binaries = FindBinaries();
        if (binaries is null)
        {
            Problem = "PostgreSQL server binaries (initdb, pg_ctl) are not installed: run ./test.sh, which installs them, or apt-get install postgresql";
            return ValueTask.CompletedTask;
        }

        root = Directory.CreateTempSubdirectory("citycard-pg-").FullName;
        asPostgresUser = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        if (asPostgresUser)
        {
            Run("chown", ["-R", "postgres:postgres", root]);
        }

        Run(Path.Combine(binaries, "initdb"), ["-D", DataDirectory, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"], asPostgresUser);
        Port = FreePort();
        var options = $"-p {Port.ToString(CultureInfo.InvariantCulture)} -h 127.0.0.1 -k {root} -F -c max_connections=200";
        Run(Path.Combine(binaries, "pg_ctl"), ["-D", DataDirectory, "-l", Path.Combine(root, "server.log"), "-o", options, "-w", "-t", "60", "start"], asPostgresUser);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (root is null || binaries is null)
        {
            return ValueTask.CompletedTask;
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            Run(Path.Combine(binaries, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], asPostgresUser);
        }
        catch (InvalidOperationException)
        {
            // pg_ctl could not stop it: end the postmaster by the pid it recorded.
            var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture, out var pid))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
        }

        Directory.Delete(root, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>A new empty database; returns its URL.</summary>
    public string CreateDatabase()
    {
        if (Problem is not null)
        {
            throw new InvalidOperationException(Problem);
        }

        var name = "t" + Guid.NewGuid().ToString("N");
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return $"postgresql://{Superuser}@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{name}";
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={Superuser};Database={database};Pooling=false";

    private string DataDirectory => Path.Combine(root!, "data");

    private static string? FindBinaries()
    {
        var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        if (fromPath is not null)
        {
            return fromPath;
        }

        const string Debian = "/usr/lib/postgresql";
        return Directory.Exists(Debian)
            ? Directory.GetDirectories(Debian)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), CultureInfo.InvariantCulture, out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Run(string program, IReadOnlyList<string> arguments, bool asPostgres = false)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} did not finish in 120 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {error} {output.Result}");
        }
    }
}
