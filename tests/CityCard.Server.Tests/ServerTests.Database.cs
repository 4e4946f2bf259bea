using System.Net;
using System.Text.Json;
using CityCard.Storage;
using CityCard.Storage.Postgres;

namespace CityCard.Server.Tests;

/// <summary>The centre's database failing under a running server: a 503 naming it, never a 500.</summary>
public sealed partial class ServerTests
{
    [Fact]
    public async Task DatabaseDown_PostgreSqlStoppedUnderTheServer_503NamingTheDatabase()
    {
        Assert.True(LocalCluster.FindBinaries() is not null, "PostgreSQL server binaries (initdb, pg_ctl) are not installed: run ./test.sh, which installs them");
        LocalCluster? cluster = LocalCluster.Start("citycard-server-pg-", "-F", stopMode: "immediate");
        try
        {
            var url = cluster.CreateDatabase("centre");
            ClearingStores.Open(url, migrate: true).Dispose();
            var client = await StartAsync(database: url);
            var file = Batch(1, Purchase(0, 5_000, 200));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/audit", UriKind.Relative), Ct)).StatusCode);

            // Until 2026-11-26 every request then answered 500 "see the server log" (an NpgsqlException is not a
            // StorageException), though the API promises 503 when the database is down: a terminal retries a 503.
            cluster.Dispose();
            cluster = null;
            var audit = await client.GetAsync(new Uri("/api/audit", UriKind.Relative), Ct);
            var upload = await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(file), Ct);

            foreach (var response in new[] { audit, upload })
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("detail").GetString();
                Assert.StartsWith(DatabaseUrl.Parse(url).Description + ": ", detail, StringComparison.Ordinal);
            }
        }
        finally
        {
            cluster?.Dispose();
        }
    }
}
