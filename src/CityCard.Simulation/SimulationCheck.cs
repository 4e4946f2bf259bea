namespace CityCard.Simulation;

/// <summary>One check after a simulated day: an invariant of the centre or a ground-truth comparison.</summary>
public sealed record SimulationCheck(string Name, bool Ok, string Detail);
