using CityCard.Storage.Postgres;

namespace CityCard.Bench;

/// <summary>
/// The benchmark's PostgreSQL cluster (<see cref="LocalCluster"/>), living as long as one benchmark, with the server's
/// default durability (fsync, synchronous commit and full-page writes on) and the memory and checkpoint settings a
/// clearing centre's server would be given (<see cref="ServerSettings"/>) instead of the tiny defaults.
/// </summary>
internal sealed class ThrowawayPostgres : IDisposable
{
    /// <summary>
    /// A production-like configuration for a write-heavy server: a 1 GiB buffer cache (default 128 MiB), WAL buffers
    /// of 64 MiB, and checkpoints at most every 30 minutes or 8 GiB of WAL (defaults 5 minutes / 1 GiB), which saves
    /// the full-page images written after every checkpoint. None of them trades durability.
    /// </summary>
    public const string ServerSettings = "-c shared_buffers=1GB -c wal_buffers=64MB -c max_wal_size=8GB -c checkpoint_timeout=30min";

    private readonly LocalCluster cluster;

    private ThrowawayPostgres(LocalCluster cluster) => this.cluster = cluster;

    public string Version => cluster.Version;

    /// <summary>Starts the cluster; throws <see cref="InvalidOperationException"/> naming what is missing or what failed.</summary>
    public static ThrowawayPostgres Start()
    {
        if (LocalCluster.FindBinaries() is null)
        {
            throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in /usr/lib/postgresql/*/bin; install them (apt-get install postgresql) or pass --db postgresql://…");
        }

        return new ThrowawayPostgres(LocalCluster.Start("citycard-bench-pg-", ServerSettings));
    }

    /// <summary>CPU time of the cluster's processes so far (see <see cref="LocalCluster.CpuTime"/>).</summary>
    public TimeSpan? CpuTime() => cluster.CpuTime();

    /// <summary>Creates a new empty database and returns its URL.</summary>
    public string CreateDatabase() => cluster.CreateDatabase("bench");

    public void Dispose() => cluster.Dispose();
}
