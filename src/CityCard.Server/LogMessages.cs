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
}
