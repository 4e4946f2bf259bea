using System.Globalization;
using CityCard.Clearing.Pipeline;
using CityCard.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityCard.Server;

/// <summary>
/// Pushes the long-open gap alarm into the server's log: <see cref="ServerOptions.GapCheckStartDelay"/> after start and then
/// every <see cref="ServerOptions.GapCheckInterval"/>
/// it looks for gaps open longer than the stored waiting period (<see cref="GapAlarm"/>) and, while there are any, logs one
/// warning naming how many cards and one of them, so whoever watches the log (or the alerting fed from it) hears of a
/// batch lost on its way without asking. A database that cannot be read is a warning of its own, not a stopped server.
/// </summary>
internal sealed class GapWatch(GapAlarm alarm, ServerOptions options, ILogger<GapWatch> logger) : BackgroundService
{
    // The most gaps read per check: the warning gives the count up to this and "more than" beyond it.
    internal const int MostCounted = 1_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.GapCheckInterval <= TimeSpan.Zero)
        {
            return;
        }

        // The first look a while after start, when the server is serving (and a server started only briefly, as in tests,
        // never reads its database behind their back).
        await Task.Delay(options.GapCheckStartDelay, options.Clock, stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(options.GapCheckInterval, options.Clock);
        do
        {
            try
            {
                Check();
            }
            catch (Exception e) when (e is not OperationCanceledException && !stoppingToken.IsCancellationRequested)
            {
                // The alarm failing must not stop the server that clears the city's batches: logged, and tried again.
                logger.GapCheckError(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One check: a warning when gaps are open longer than the waiting period; true when there were some.</summary>
    internal bool Check()
    {
        LongOpenGaps found;
        try
        {
            found = alarm.Find(olderThanDays: null, MostCounted);
        }
        catch (Exception e) when (DatabaseFailures.IsUnavailable(e))
        {
            logger.GapCheckFailed(DatabaseFailures.Message(e));
            return false;
        }

        if (found.Gaps.Count == 0)
        {
            return false;
        }

        var cards = found.ByCard;
        var first = found.Gaps[0];
        var opened = first.OpenedUtc is { } at ? at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "an unknown time";
        logger.LongOpenGaps(
            found.Truncated ? $"more than {found.Gaps.Count:N0}" : found.Gaps.Count.ToString("N0", CultureInfo.InvariantCulture),
            found.Truncated ? $"at least {cards.Count:N0}" : cards.Count.ToString("N0", CultureInfo.InvariantCulture),
            found.WaitingDays,
            $"card {first.Asn}, {first.Kind.ToString().ToLowerInvariant()} counter {first.Counter}, open since {opened}");
        return true;
    }
}
