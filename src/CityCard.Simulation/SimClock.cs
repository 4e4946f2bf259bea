namespace CityCard.Simulation;

/// <summary>The simulated time every simulated device reads; a terminal with a skewed clock reads it through <see cref="SkewedClock"/>.</summary>
public sealed class SimClock(DateTimeOffset start) : TimeProvider
{
    /// <summary>Current simulated instant.</summary>
    public DateTimeOffset Now { get; set; } = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
}

/// <summary>A device clock that is off by a fixed amount.</summary>
public sealed class SkewedClock(TimeProvider inner, TimeSpan skew) : TimeProvider
{
    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + skew;
}
