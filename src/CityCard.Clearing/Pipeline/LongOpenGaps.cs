using CityCard.Security.Ep;

namespace CityCard.Clearing.Pipeline;

/// <summary>Gaps open longer than a waiting period (<see cref="GapAlarm"/>).</summary>
/// <param name="WaitingDays">The waiting period in days.</param>
/// <param name="OpenedBefore">Gaps opened at or before this instant are listed.</param>
/// <param name="Gaps">The gaps, by card and counter.</param>
/// <param name="Truncated">True when there were more than the limit asked for.</param>
public sealed record LongOpenGaps(int WaitingDays, DateTimeOffset OpenedBefore, IReadOnlyList<OpenGap> Gaps, bool Truncated)
{
    /// <summary>The gaps grouped by card, in card order.</summary>
    public IReadOnlyList<IGrouping<Asn, OpenGap>> ByCard => Gaps.GroupBy(g => g.Asn).ToList();
}
