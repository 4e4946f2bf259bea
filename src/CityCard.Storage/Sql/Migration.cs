namespace CityCard.Storage.Sql;

/// <summary>One schema step: statements for every engine, then the engine-specific ones.</summary>
internal sealed record Migration(int Version, string Name, IReadOnlyList<string> Common, IReadOnlyList<string> SqliteOnly, IReadOnlyList<string> PostgresOnly);
