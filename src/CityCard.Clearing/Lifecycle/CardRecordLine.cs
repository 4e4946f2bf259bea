using CityCard.Clearing.Pipeline;

namespace CityCard.Clearing.Lifecycle;

/// <summary>A stored record of a card with when its batch reached the centre (for the loss statement).</summary>
public sealed record CardRecordLine(StoredRecord Stored, DateTimeOffset ReceivedUtc);
