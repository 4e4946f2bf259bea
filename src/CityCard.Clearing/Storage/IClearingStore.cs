namespace CityCard.Clearing.Storage;

/// <summary>
/// The clearing centre's database. Implementations (SQLite, PostgreSQL) live outside the core and behave the same.
/// Writes are exclusive: one writer at a time across every process using the database, each in one database
/// transaction that commits when the work returns and rolls back when it throws, so nothing is ever half-written.
/// </summary>
public interface IClearingStore : IDisposable
{
    /// <summary>Where the data lives, without any password (for messages).</summary>
    string Description { get; }

    /// <summary>Creates or upgrades the schema; returns the schema version now in force.</summary>
    int Migrate();

    /// <summary>Runs read-only queries on a consistent snapshot.</summary>
    T Read<T>(Func<IClearingReader, T> query);

    /// <summary>Runs work exclusively in one transaction (see the type's remarks).</summary>
    T Write<T>(Func<IClearingWriter, T> work);

    /// <summary>Begins exclusive work committed in steps (see <see cref="IBulkWrite"/>); the caller disposes it.</summary>
    IBulkWrite BeginBulkWrite();
}
