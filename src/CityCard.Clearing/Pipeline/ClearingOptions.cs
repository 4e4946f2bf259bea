namespace CityCard.Clearing.Pipeline;

/// <summary>Tunable limits of the verification pipeline (docs/clearing.md §Pipeline).</summary>
public sealed record ClearingOptions
{
    /// <summary>Most counters a record may skip: a longer jump is suspect rather than a gap held open.</summary>
    public int MaxCounterGap { get; init; } = 1_000;

    /// <summary>How far after the batch was closed a record may be dated (clock skew) before it is suspect.</summary>
    public TimeSpan FutureSkew { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long before the batch was closed a record may be dated before it is suspect.</summary>
    public TimeSpan MaxRecordAge { get; init; } = TimeSpan.FromDays(400);
}
