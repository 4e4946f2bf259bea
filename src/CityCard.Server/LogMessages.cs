using Microsoft.Extensions.Logging;

namespace CityCard.Server;

/// <summary>The server's own log messages (source-generated).</summary>
internal static partial class LogMessages
{
    /// <summary>
    /// A request refused because of what the client sent or asked (a 4xx from an expected refusal): worth a line, not a
    /// stack trace, and not an error of the centre's.
    /// </summary>
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Path} refused with {Status}: {Detail}")]
    public static partial void RequestRefused(this ILogger logger, string method, string path, int status, string? detail);

    /// <summary>The long-open gap alarm (<see cref="GapWatch"/>): records the centre is waiting for longer than it should.</summary>
    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Gaps} gaps on {Cards} cards open longer than the {Days}-day waiting period (e.g. {Example}): a batch lost on its way or a terminal that no longer uploads; list them with GET /api/gaps or citycard centre gaps")]
    public static partial void LongOpenGaps(this ILogger logger, string gaps, string cards, int days, string example);

    /// <summary>The gap check could not read the database; it runs again at the next interval.</summary>
    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "the long-open gap check could not read the database: {Problem}")]
    public static partial void GapCheckFailed(this ILogger logger, string problem);

    /// <summary>The gap check failed for a reason other than the database; it runs again at the next interval.</summary>
    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "the long-open gap check failed; it runs again at the next interval")]
    public static partial void GapCheckError(this ILogger logger, Exception error);
}
