namespace CityCard.Clearing.Lifecycle;

/// <summary>A product's concession on transit fares: the holder pays <see cref="PayPercent"/> of the fare, maybe only off-peak.</summary>
public sealed record ProductConcession(int PayPercent, bool OffPeakOnly);
