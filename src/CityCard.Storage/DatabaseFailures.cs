using Microsoft.Data.Sqlite;
using Npgsql;

namespace CityCard.Storage;

/// <summary>Which failures of the database engines mean the database cannot be used just now, as opposed to a bug.</summary>
public static class DatabaseFailures
{
    // SQLite primary result codes (an extended code keeps its primary code in the low byte): busy and locked past the busy
    // timeout, a read-only file, an I/O error, a full disk, a file that cannot be opened.
    private static readonly HashSet<int> SqliteUnavailable = [5, 6, 8, 10, 13, 14];

    /// <summary>
    /// True when <paramref name="error"/> (or every exception inside an AggregateException) says the database is not
    /// available: a <see cref="StorageException"/>; for PostgreSQL a lost or refused connection, a server shutting down,
    /// out of connections or disk, a database dropped, a login refused, a role without rights on the tables or a read-only database; for SQLite a file busy
    /// beyond the timeout, unreadable, unwritable or on a full disk. A syntax error, a broken constraint and the like are not.
    /// </summary>
    public static bool IsUnavailable(Exception? error)
    {
        if (error is AggregateException aggregate)
        {
            // Work spread over several connections (the settlement's recount) fails on each when the server goes.
            var inner = aggregate.Flatten().InnerExceptions;
            return inner.Count > 0 && inner.All(IsUnavailable);
        }

        return error switch
        {
            StorageException => true,
            PostgresException postgres => postgres.IsTransient
                || postgres.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) // operator intervention: shutdown, database dropped
                || postgres.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources
                || postgres.SqlState.StartsWith("28", StringComparison.Ordinal) // login refused
                || postgres.SqlState == "42501" // a role without rights on the centre's tables
                || postgres.SqlState == "25006" // a read-only database (a standby, default_transaction_read_only)
                || postgres.SqlState == "3D000", // the database does not exist
            NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or System.Net.Sockets.SocketException or TimeoutException,
            SqliteException sqlite => SqliteUnavailable.Contains(sqlite.SqliteErrorCode & 0xFF),
            _ => false,
        };
    }

    /// <summary>
    /// One line naming the problem of a database failure: a PostgreSQL error as <c>SQLSTATE: message</c> (Npgsql's own
    /// Message adds the statement position on further lines), a connection lost mid-command as such with its cause, a
    /// connection refused with its cause; anything else by its message.
    /// </summary>
    public static string Message(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error is AggregateException aggregate && aggregate.Flatten().InnerExceptions is [var first, ..])
        {
            error = first;
        }

        return error switch
        {
            PostgresException postgres => $"{postgres.SqlState}: {postgres.MessageText}",
            NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException or TimeoutException } lost when lost.Message.StartsWith("Exception while", StringComparison.Ordinal) =>
                $"the connection to the database server was lost ({lost.Message}: {lost.InnerException?.Message})",
            NpgsqlException { InnerException: { } inner } npgsql when !npgsql.Message.Contains(inner.Message, StringComparison.Ordinal) => $"{npgsql.Message} ({inner.Message})",
            _ => error.Message,
        };
    }
}
