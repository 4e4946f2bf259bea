namespace CityCard.Clearing.Audit;

/// <summary>One DESIGN.md §6 invariant checked over the whole database, with its figures and every difference found.</summary>
public sealed record InvariantResult(int Number, string Id, string Title, bool Ok, IReadOnlyDictionary<string, long> Figures, IReadOnlyList<string> Differences);
