using CityCard.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CityCard.Clearing.Tests.Storage;

/// <summary>Which engine failures the server answers with 503 (the database cannot be used now) rather than 500.</summary>
public sealed class DatabaseFailuresTests
{
    [Theory]
    [InlineData("08006", true)] // connection failure
    [InlineData("57P01", true)] // administrator shutdown
    [InlineData("57P04", true)] // database dropped
    [InlineData("53300", true)] // too many connections
    [InlineData("28P01", true)] // password refused
    [InlineData("3D000", true)] // no such database
    [InlineData("42501", true)] // a role without rights on the centre's tables
    [InlineData("25006", true)] // a read-only database
    [InlineData("23505", false)] // a unique key broken: a bug, not an outage
    [InlineData("42P01", false)] // no such table
    [InlineData("22021", false)]
    public void PostgreSql_BySqlState(string sqlState, bool unavailable)
    {
        var error = new PostgresException("message", "ERROR", "ERROR", sqlState);

        Assert.Equal(unavailable, DatabaseFailures.IsUnavailable(error));
        Assert.Equal(unavailable, DatabaseFailures.IsUnavailable(new AggregateException(error)));
    }

    [Theory]
    [InlineData(5, true)] // busy
    [InlineData(8, true)] // read-only file
    [InlineData(13, true)] // disk full
    [InlineData(778, true)] // SQLITE_IOERR_WRITE, an extended code
    [InlineData(19, false)] // constraint
    [InlineData(1, false)] // SQL error
    public void Sqlite_ByResultCode(int code, bool unavailable) =>
        Assert.Equal(unavailable, DatabaseFailures.IsUnavailable(new SqliteException("message", code)));

    [Fact]
    public void LostConnectionAndStorageException_Unavailable_OtherExceptionsNot()
    {
        Assert.True(DatabaseFailures.IsUnavailable(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.True(DatabaseFailures.IsUnavailable(new StorageException("postgresql://x@h/db: the schema is not at version 15")));
        Assert.False(DatabaseFailures.IsUnavailable(new InvalidOperationException("a bug")));
        Assert.False(DatabaseFailures.IsUnavailable(null));

        // The settlement's recount reads on several connections at once: each fails when the server goes.
        var parts = new AggregateException(new NpgsqlException("Exception while reading from stream", new IOException("reset")), new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"));
        Assert.True(DatabaseFailures.IsUnavailable(parts));
        Assert.StartsWith("the connection to the database server was lost", DatabaseFailures.Message(parts), StringComparison.Ordinal);
        Assert.False(DatabaseFailures.IsUnavailable(new AggregateException(new IOException("x"), new InvalidOperationException("a bug"))));
    }

    [Fact]
    public void Message_OneLineNamingTheProblem()
    {
        // Npgsql's own Message adds "\n\nPOSITION: 28" to a statement error, and says "Exception while reading from stream"
        // for a server gone mid-command: the CLI printed both as they were.
        var rights = new PostgresException("permission denied for schema public", "ERROR", "ERROR", "42501", position: 28);
        var lost = new NpgsqlException("Exception while reading from stream", new EndOfStreamException("Attempted to read past the end of the stream."));
        var refused = new NpgsqlException("Failed to connect to 127.0.0.1:5", new System.Net.Sockets.SocketException(111));

        Assert.Equal("42501: permission denied for schema public", DatabaseFailures.Message(rights));
        Assert.Equal("23505: duplicate key value violates unique constraint \"k\"", DatabaseFailures.Message(new PostgresException("duplicate key value violates unique constraint \"k\"", "ERROR", "ERROR", "23505", position: 3)));
        Assert.Equal("the connection to the database server was lost (Exception while reading from stream: Attempted to read past the end of the stream.)", DatabaseFailures.Message(lost));
        Assert.StartsWith("Failed to connect to 127.0.0.1:5 (", DatabaseFailures.Message(refused), StringComparison.Ordinal);
        Assert.Equal("SQLite Error 11: 'database disk image is malformed'.", DatabaseFailures.Message(new SqliteException("SQLite Error 11: 'database disk image is malformed'.", 11)));
    }
}
