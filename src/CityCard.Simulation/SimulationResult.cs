using CityCard.Clearing.Pipeline;

namespace CityCard.Simulation;

/// <summary>What a simulation run produced: per-day reports and checks, the ground truth and the centre's outcomes.</summary>
public sealed record SimulationResult
{
    /// <summary>The preset name.</summary>
    public required string Preset { get; init; }

    /// <summary>The seed.</summary>
    public required int Seed { get; init; }

    /// <summary>Cards at the end.</summary>
    public required int Cards { get; init; }

    /// <summary>Terminals.</summary>
    public required int Terminals { get; init; }

    /// <summary>Per-day reports.</summary>
    public required IReadOnlyList<DayReport> Days { get; init; }

    /// <summary>Per-day checks (same order as <see cref="Days"/>).</summary>
    public required IReadOnlyList<IReadOnlyList<SimulationCheck>> Checks { get; init; }

    /// <summary>Ground truth.</summary>
    public required GroundTruth Truth { get; init; }

    /// <summary>The centre's outcome totals.</summary>
    public required OutcomeTotals Centre { get; init; }

    /// <summary>Refused files.</summary>
    public required int RefusedFiles { get; init; }

    /// <summary>Replayed uploads.</summary>
    public required int ReplayedUploads { get; init; }

    /// <summary>Purchases by operator or merchant id, fen (terminal side).</summary>
    public required IReadOnlyDictionary<uint, long> RevenueByOperator { get; init; }

    /// <summary>Wall time of the run.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>True when every check of every day passed.</summary>
    public bool Ok => Checks.All(day => day.All(c => c.Ok));

    /// <summary>Simulated actions (taps and visits) over all days.</summary>
    public int Events => Days.Sum(d => d.Events);
}
