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
    }
}
