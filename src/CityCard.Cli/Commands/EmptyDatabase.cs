using System.Data.Common;
using CityCard.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CityCard.Cli.Commands;

/// <summary>
/// Refuses a database that already holds a centre's data, for the commands that fill a database with made-up cards,
/// merchants and batches (<c>bench clearing --db URL</c>, <c>simulate --db URL</c>): checked before anything is written,
/// without creating or migrating anything.
/// </summary>
internal static class EmptyDatabase
{
    // A centre's data starts with one of these; settings and the schema alone (a database just migrated) are empty.
    private static readonly string[] Tables = ["merchants", "devices", "cards", "batches", "refused_files", "operators"];

    /// <summary>Throws <see cref="CliFailure"/> naming the database when it holds any merchant, device, card, batch, refused file or operator.</summary>
    public static void Require(DatabaseUrl url, string command)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.SqlitePath is { } path && !File.Exists(path))
        {
            return;
        }

        using var connection = Connect(url);
        connection.Open();
        foreach (var table in Tables)
        {
            if (Exists(connection, url.Kind, table) && HasRows(connection, table))
            {
                throw new CliFailure($"--db {url.Description}: the database is not empty (it has {table.Replace('_', ' ')}); {command} writes made-up data and needs an empty database — name a new one");
            }
        }
    }

    private static DbConnection Connect(DatabaseUrl url) => url.Kind == DatabaseKind.Sqlite
        ? new SqliteConnection(new SqliteConnectionStringBuilder(url.ConnectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString())
        : new NpgsqlConnection(url.ConnectionString);

    private static bool Exists(DbConnection connection, DatabaseKind kind, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = kind == DatabaseKind.Sqlite
            ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @name"
            : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @name";
        var name = command.CreateParameter();
        name.ParameterName = "@name";
        name.Value = table;
        command.Parameters.Add(name);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static bool HasRows(DbConnection connection, string table)
    {
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The table name is one of the constants above, not input.
        command.CommandText = $"SELECT 1 FROM {table} LIMIT 1";
#pragma warning restore CA2100
        return command.ExecuteScalar() is not null;
    }
}
