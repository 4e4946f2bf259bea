using CityCard.Storage;

namespace CityCard.Clearing.Tests.Storage;

public sealed class DatabaseUrlTests
{
    [Fact]
    public void Parse_Sqlite_TakesThePath()
    {
        var url = DatabaseUrl.Parse("sqlite:./data/citycard.db");
        Assert.Equal(DatabaseKind.Sqlite, url.Kind);
        Assert.Equal("./data/citycard.db", url.SqlitePath);
    }

    [Theory]
    [InlineData("postgresql://clear:s%40cret@db.example:6543/citycard", "db.example", 6543, "clear", "s@cret", "citycard")]
    [InlineData("postgres://localhost/citycard", "localhost", 5432, null, null, "citycard")]
    [InlineData("postgresql://u@127.0.0.1:5433/x", "127.0.0.1", 5433, "u", null, "x")]
    public void Parse_Postgres_BuildsTheConnection(string text, string host, int port, string? user, string? password, string database)
    {
        var url = DatabaseUrl.Parse(text);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(url.ConnectionString);
        Assert.Equal(DatabaseKind.PostgreSql, url.Kind);
        Assert.Equal((host, port, user, password, database), (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database));
        Assert.DoesNotContain("cret", url.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty database URL")]
    [InlineData("sqlite:", "names no file")]
    [InlineData("mysql://x/y", "is not a database URL")]
    [InlineData("postgresql://host:99999/db", "not a well-formed URL")]
    [InlineData("postgresql://host:5432/", "exactly one database name")]
    [InlineData("postgresql://host/db/extra", "exactly one database name")]
    [InlineData("postgresql://user:secret@host/db?sslmode=off", "query parameters")]
    public void Parse_Malformed_NamesTheProblem(string text, string problem)
    {
        var e = Assert.Throws<ArgumentException>(() => DatabaseUrl.Parse(text));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("--db: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }
}
