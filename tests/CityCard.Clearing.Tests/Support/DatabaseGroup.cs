namespace CityCard.Clearing.Tests.Support;

/// <summary>Every test that opens a database: one PostgreSQL cluster for the whole run.</summary>
[CollectionDefinition(Name)]
public sealed class DatabaseGroup : ICollectionFixture<PostgresServer>
{
    public const string Name = "database";
}
