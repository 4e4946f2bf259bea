using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CityCard.Bench;

/// <summary>
/// A PostgreSQL cluster that lives as long as one benchmark: <c>initdb</c> into a temporary folder and <c>pg_ctl start</c>
/// on a free loopback port (as the <c>postgres</c> user through <c>runuser</c> when running as root), with the server's
/// default durability (fsync, synchronous commit and full-page writes on) and the memory and checkpoint settings a
/// clearing centre's server would be given (<see cref="ServerSettings"/>) instead of the tiny defaults. Disposing stops
/// it and deletes the folder; if <c>pg_ctl stop</c> fails the postmaster is ended by the pid it recorded. Binaries come
/// from PATH or /usr/lib/postgresql/*/bin.
/// </summary>
internal sealed class ThrowawayPostgres : IDisposable
{
    private const string User = "citycard";

    /// <summary>
    /// A production-like configuration for a write-heavy server: a 1 GiB buffer cache (default 128 MiB), WAL buffers
    /// of 64 MiB, and checkpoints at most every 30 minutes or 8 GiB of WAL (defaults 5 minutes / 1 GiB), which saves
    /// the full-page images written after every checkpoint. None of them trades durability.
    /// </summary>
    public const string ServerSettings = "-c shared_buffers=1GB -c wal_buffers=64MB -c max_wal_size=8GB -c checkpoint_timeout=30min";
    private readonly string root;
    private readonly string binaries;
    private readonly bool asPostgres;
    private int databases;

    private ThrowawayPostgres(string root, string binaries, bool asPostgres, int port)
    {
        this.root = root;
        this.binaries = binaries;
        this.asPostgres = asPostgres;
        Port = port;
    }

    public int Port { get; }

    public string Version { get; private set; } = "PostgreSQL";

    private string Data => Path.Combine(root, "data");

    /// <summary>Starts a cluster; throws <see cref="InvalidOperationException"/> naming what is missing or what failed.</summary>
    public static ThrowawayPostgres Start()
    {
        var binaries = FindBinaries()
            ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in /usr/lib/postgresql/*/bin; install them (apt-get install postgresql) or pass --db postgresql://…");
        var root = Directory.CreateTempSubdirectory("citycard-bench-pg-").FullName;
        var asPostgres = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        var server = new ThrowawayPostgres(root, binaries, asPostgres, FreePort());
        try
        {
            if (asPostgres)
            {
                Run("chown", ["-R", "postgres:postgres", root], asPostgres: false);
            }

            server.Tool("initdb", ["-D", server.Data, "-U", User, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
            var options = $"-p {server.Port.ToString(CultureInfo.InvariantCulture)} -h 127.0.0.1 -k {root} {ServerSettings}";
            server.Tool("pg_ctl", ["-D", server.Data, "-l", Path.Combine(root, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
            using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
            connection.Open();
            server.Version = "PostgreSQL " + connection.PostgreSqlVersion.ToString(2);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// CPU time the cluster's processes have used so far (the postmaster, its live children and the children it has
    /// reaped), from /proc; null where that cannot be read.
    /// </summary>
    public TimeSpan? CpuTime()
    {
        try
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(Data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            long ticks = 0;
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid))
                {
                    continue;
                }

                string stat;
                try
                {
                    stat = File.ReadAllText(Path.Combine(directory, "stat"));
                }
                catch (IOException)
                {
                    continue; // the process ended meanwhile
                }

                // Fields after the command name (which is in parentheses and may hold spaces): state, ppid, …, utime, stime, cutime, cstime.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (pid == postmaster || parent == postmaster)
                {
                    ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                    if (pid == postmaster)
                    {
                        ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
                    }
                }
            }

            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Creates a new empty database and returns its URL.</summary>
    public string CreateDatabase()
    {
        var name = "bench" + (++databases).ToString(CultureInfo.InvariantCulture);
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return $"postgresql://{User}@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{name}";
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            try
            {
                Tool("pg_ctl", ["-D", Data, "-m", "fast", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                var pidFile = Path.Combine(Data, "postmaster.pid");
                if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture, out var pid))
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                }
            }
        }

        Directory.Delete(root, recursive: true);
    }

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={User};Database={database};Pooling=false";

    private void Tool(string name, IReadOnlyList<string> arguments) => Run(Path.Combine(binaries, name), arguments, asPostgres);

    private static string? FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        if (onPath is not null)
        {
            return onPath;
        }

        const string Debian = "/usr/lib/postgresql";
        return Directory.Exists(Debian)
            ? Directory.GetDirectories(Debian)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
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

    private static void Run(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Trim()} {output.Result.Trim()}");
        }
    }
}
