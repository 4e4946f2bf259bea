using CityCard.Clearing.Settlement;
using CityCard.Clearing.Storage;

namespace CityCard.Clearing.Pipeline;

/// <summary>
/// The alarm for reserved gaps (record-level check 6 and 7 of docs/clearing.md) that stay open longer than the waiting
/// period: a batch lost on its way, a broken terminal, or a card used where its records never reach the centre. Until
/// the missing record arrives the card's balance chain is not checked, so such cards are worth a look.
/// </summary>
public sealed class GapAlarm
{
    private readonly IClearingStore store;
    private readonly TimeProvider clock;

    /// <summary>Creates the alarm over a store.</summary>
    public GapAlarm(IClearingStore store, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        this.store = store;
        this.clock = clock;
    }

    /// <summary>
    /// Gaps open longer than <paramref name="olderThanDays"/> (default: the stored waiting period, <see cref="Settings.GapWaitingDays"/>),
    /// at most <paramref name="limit"/> of them, by card and counter.
    /// </summary>
    public LongOpenGaps Find(int? olderThanDays, int limit)
    {
        if (olderThanDays is < 0 or > Settings.MaxGapWaitingDays)
        {
            throw new ArgumentOutOfRangeException(nameof(olderThanDays), olderThanDays, $"the waiting period is 0..{Settings.MaxGapWaitingDays} days");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var now = Clock.Now(clock);
        return store.Read(r =>
        {
            var days = olderThanDays ?? Settings.GapWaiting(r);
            var openedBefore = now.AddDays(-days);
            var gaps = r.OpenGaps(openedBefore, limit + 1);
            return new LongOpenGaps(days, openedBefore, gaps.Take(limit).ToList(), gaps.Count > limit);
        });
    }
}
