using CityCard.Storage;
using Microsoft.Data.Sqlite;

namespace CityCard.Clearing.Tests.Support;

/// <summary>Rows of a SQLite test database read on a connection of their own, as the schema tests look at tables.</summary>
internal static class SqliteRows
{
    public static List<T> Of<T>(TestDatabase database, string sql, Func<SqliteDataReader, T> map)
    {
        using var connection = new SqliteConnection(DatabaseUrl.Parse(database.Url).ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>A row as text: its columns joined by "|", NULL as "null" and bytes in hexadecimal.</summary>
    public static string Text(SqliteDataReader reader) =>
        string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : reader.GetValue(i) is byte[] b ? Convert.ToHexString(b) : reader.GetValue(i).ToString()));
}
