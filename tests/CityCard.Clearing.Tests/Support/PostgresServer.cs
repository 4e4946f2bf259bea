using CityCard.Storage.Postgres;

namespace CityCard.Clearing.Tests.Support;

/// <summary>
/// The test run's throwaway PostgreSQL cluster (<see cref="LocalCluster"/>: initdb in a temp folder, pg_ctl start on a
/// free loopback port, as the postgres user when the tests run as root; stopped and deleted at the end). Durability is
/// off (<c>-F</c>: no fsync) since nothing outlives the run. When the binaries are missing the PostgreSQL tests fail
/// saying so.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private LocalCluster? cluster;

    public string? Problem { get; private set; }

    public ValueTask InitializeAsync()
    {
        if (LocalCluster.FindBinaries() is null)
        {
            Problem = "PostgreSQL server binaries (initdb, pg_ctl) are not installed: run ./test.sh, which installs them, or apt-get install postgresql";
            return ValueTask.CompletedTask;
        }

        cluster = LocalCluster.Start("citycard-pg-", "-F -c max_connections=200", stopMode: "immediate");
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        cluster?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A new empty database; returns its URL.</summary>
    public string CreateDatabase() => cluster?.CreateDatabase("t") ?? throw new InvalidOperationException(Problem);
}
