using System.Globalization;

namespace CityCard.Storage;

/// <summary>
/// A database location: <c>sqlite:PATH</c> or <c>postgresql://user:pass@host:port/dbname</c> (also <c>postgres://</c>;
/// user, password and port optional, user and password percent-encoded). Parsing names the problem in the message.
/// </summary>
public sealed record DatabaseUrl
{
    /// <summary>The default location: <c>sqlite:./data/citycard.db</c>.</summary>
    public const string Default = "sqlite:./data/citycard.db";

    private DatabaseUrl(DatabaseKind kind, string connectionString, string description, string? path)
    {
        Kind = kind;
        ConnectionString = connectionString;
        Description = description;
        SqlitePath = path;
    }

    /// <summary>The engine.</summary>
    public DatabaseKind Kind { get; }

    /// <summary>The ADO.NET connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The URL without its password, for messages.</summary>
    public string Description { get; }

    /// <summary>The file of a SQLite URL.</summary>
    public string? SqlitePath { get; }

    /// <summary>Parses a URL; <see cref="ArgumentException"/> names what is wrong.</summary>
    public static DatabaseUrl Parse(string? text, string argumentName = "--db")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException($"{argumentName}: empty database URL (expected sqlite:PATH or postgresql://user:pass@host:port/dbname)", argumentName);
        }

        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = text["sqlite:".Length..];
            if (path.Length == 0)
            {
                throw new ArgumentException($"{argumentName}: '{text}' names no file (expected sqlite:PATH)", argumentName);
            }

            var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 60 };
            return new DatabaseUrl(DatabaseKind.Sqlite, builder.ToString(), "sqlite:" + path, path);
        }

        if (text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            return ParsePostgres(text, argumentName);
        }

        throw new ArgumentException($"{argumentName}: '{text}' is not a database URL (expected sqlite:PATH or postgresql://user:pass@host:port/dbname)", argumentName);
    }

    private static DatabaseUrl ParsePostgres(string text, string argumentName)
    {
        ArgumentException Bad(string problem) => new($"{argumentName}: '{Mask(text)}': {problem} (expected postgresql://user:pass@host:port/dbname)", argumentName);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw Bad("not a well-formed URL");
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            throw Bad("no host");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw Bad("query parameters and fragments are not supported");
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw Bad("the path must be exactly one database name");
        }

        string? user = null, password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port;
        var builder = new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = port,
            Database = database,
            Username = user,
            Password = password,
            MaxPoolSize = 20,
        };
        var shown = $"postgresql://{(user is null ? string.Empty : user + (password is null ? string.Empty : ":***") + "@")}{uri.Host}:{port.ToString(CultureInfo.InvariantCulture)}/{database}";
        return new DatabaseUrl(DatabaseKind.PostgreSql, builder.ToString(), shown, null);
    }

    private static string Mask(string text)
    {
        var at = text.LastIndexOf('@');
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var colon = scheme < 0 || at < 0 ? -1 : text.IndexOf(':', scheme + 3, at - scheme - 3);
        return colon < 0 ? text : text[..(colon + 1)] + "***" + text[at..];
    }
}
