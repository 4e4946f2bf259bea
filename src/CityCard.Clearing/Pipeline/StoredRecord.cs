namespace CityCard.Clearing.Pipeline;

/// <summary>A cleared record as stored, with the batch it came in.</summary>
public sealed record StoredRecord(long BatchId, uint DeviceId, uint BatchNumber, ClearedRecord Record);
