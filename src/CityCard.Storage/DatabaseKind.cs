namespace CityCard.Storage;

/// <summary>The database engines the clearing centre runs on.</summary>
public enum DatabaseKind
{
    /// <summary>SQLite in a local file (embedded default).</summary>
    Sqlite,

    /// <summary>PostgreSQL server (production).</summary>
    PostgreSql,
}
