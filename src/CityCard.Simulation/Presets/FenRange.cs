namespace CityCard.Simulation.Presets;

/// <summary>An inclusive range of amounts, fen.</summary>
public sealed record FenRange(long Min, long Max);
