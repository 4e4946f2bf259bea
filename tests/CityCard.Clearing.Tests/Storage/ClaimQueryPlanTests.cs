using CityCard.Clearing.Tests.Support;
using CityCard.Storage;
using CityCard.Storage.Sql;
using Microsoft.Data.Sqlite;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>
/// The settlement's claim query starts from the pending credits (few) and reaches the records through the accepted-key
/// index; SQLite's planner, left to itself, started from the unsettled batches and read every record of the day.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class ClaimQueryPlanTests(PostgresServer server)
{
    [Fact]
    public void SqliteClaimQuery_ReachesRecordsByTheAcceptedKey_NotByReadingTheBatches()
    {
        using var world = new World(TestDatabase.Create("sqlite", server));
        var card = world.SellCard(5_000);
        world.Ingest(BusDevice, 1, card.Purchase(100, BusTerminal, BusCompany, At(8)));

        using var connection = new SqliteConnection(DatabaseUrl.Parse(world.Database.Url).ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqlAudit.ClaimRecordsSql("WHERE b.settled_on IS NULL AND b.business_date <= @day");
        command.Parameters.AddWithValue("@day", 20991231L);
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        var steps = string.Join(" | ", plan);
        Assert.Contains(plan, line => line.StartsWith("SEARCH r USING INDEX records_accepted_key", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.StartsWith("SEARCH r USING PRIMARY KEY", StringComparison.Ordinal) || line.StartsWith("SCAN r", StringComparison.Ordinal));
        Assert.True(plan.FindIndex(line => line.Contains("pending_credits", StringComparison.Ordinal)) < plan.FindIndex(line => line.Contains(" r ", StringComparison.Ordinal)), steps);
    }
}
