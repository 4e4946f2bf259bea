using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CityCard.Storage.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster on this machine, for the tests' fixture and the benchmark: <c>initdb</c> into a
/// temporary folder and <c>pg_ctl start</c> on a free loopback port (unix socket in the same folder), as the
/// <c>postgres</c> user through <c>runuser</c> when running as root. Disposing stops it (if <c>pg_ctl stop</c> fails,
/// the postmaster is ended by the pid it recorded) and deletes the folder. Binaries come from PATH or
/// /usr/lib/postgresql/*/bin (the newest version).
/// </summary>
public sealed class LocalCluster : IDisposable
{
    private const string Superuser = "citycard";
    private readonly string root;
    private readonly string binaries;
    private readonly bool asPostgres;
    private readonly string stopMode;
    private int databases;

    private LocalCluster(string root, string binaries, bool asPostgres, int port, string stopMode)
    {
        this.root = root;
        this.binaries = binaries;
        this.asPostgres = asPostgres;
        this.stopMode = stopMode;
        Port = port;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>"PostgreSQL major.minor" once started.</summary>
    public string Version { get; private set; } = "PostgreSQL";

    private string Data => Path.Combine(root, "data");

    /// <summary>The folder holding initdb and pg_ctl, or null when PostgreSQL's server binaries are not installed.</summary>
    public static string? FindBinaries()
    {
        static bool HasTools(string directory) => File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(HasTools);
        if (onPath is not null)
        {
            return onPath;
        }

        const string Debian = "/usr/lib/postgresql";
        return Directory.Exists(Debian)
            ? Directory.GetDirectories(Debian)
                .Select(d => Path.Combine(d, "bin"))
                .Where(HasTools)
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), CultureInfo.InvariantCulture, out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    /// <summary>Starts a cluster; throws <see cref="InvalidOperationException"/> naming what is missing or what failed.</summary>
    /// <param name="folderPrefix">Prefix of the temporary folder.</param>
    /// <param name="serverOptions">Extra <c>postgres</c> options (<c>-c name=value …</c>).</param>
    /// <param name="stopMode"><c>fast</c> or <c>immediate</c> (<c>pg_ctl stop -m</c>).</param>
    public static LocalCluster Start(string folderPrefix, string serverOptions, string stopMode = "fast")
    {
        var binaries = FindBinaries()
            ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in /usr/lib/postgresql/*/bin; install them (apt-get install postgresql)");
        var root = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        var asPostgres = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);
        var cluster = new LocalCluster(root, binaries, asPostgres, FreePort(), stopMode);
        try
        {
            if (asPostgres)
            {
                Run("chown", ["-R", "postgres:postgres", root], asPostgres: false);
            }

            cluster.Tool("initdb", ["-D", cluster.Data, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
            var options = $"-p {cluster.Port.ToString(CultureInfo.InvariantCulture)} -h 127.0.0.1 -k {root} {serverOptions}";
            cluster.Tool("pg_ctl", ["-D", cluster.Data, "-l", Path.Combine(root, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
            using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
            connection.Open();
            cluster.Version = "PostgreSQL " + connection.PostgreSqlVersion.ToString(2);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>A new empty database; returns its URL (<c>postgresql://…</c>).</summary>
    public string CreateDatabase(string prefix = "db")
    {
        var name = prefix + Interlocked.Increment(ref databases).ToString(CultureInfo.InvariantCulture);
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return $"postgresql://{Superuser}@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{name}";
    }

    /// <summary>An Npgsql connection string to one of its databases (no pooling).</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={Superuser};Database={database};Pooling=false";

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

    /// <summary>Stops the server and deletes its folder.</summary>
    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        var pidFile = Path.Combine(Data, "postmaster.pid");
        if (File.Exists(pidFile))
        {
            try
            {
                Tool("pg_ctl", ["-D", Data, "-m", stopMode, "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture, out var pid))
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                }
            }
        }

        Directory.Delete(root, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void Tool(string name, IReadOnlyList<string> arguments) => Run(Path.Combine(binaries, name), arguments, asPostgres);

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
