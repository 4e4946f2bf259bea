namespace CityCard.Terminals.Parameters;

/// <summary>A line with distance fares: base fare covering some stops, then a fare per extra stop, capped.</summary>
public sealed record DistanceLine
{
    /// <summary>The line number.</summary>
    public required ushort Line { get; init; }

    /// <summary>Fare for up to <see cref="BaseStops"/> stops, fen.</summary>
    public long BaseFareFen { get; init; } = 100;

    /// <summary>Stops covered by the base fare.</summary>
    public int BaseStops { get; init; } = 5;

    /// <summary>Fare per stop beyond the base, fen.</summary>
    public long PerStopFen { get; init; } = 20;

    /// <summary>Maximum fare; also charged for an entry with no exit.</summary>
    public long MaxFareFen { get; init; } = 400;
}
