namespace CityCard.Clearing.Pipeline;

/// <summary>A cleared batch as stored: its id and receipt.</summary>
public sealed record StoredBatch(long BatchId, BatchReceipt Receipt, DateOnly? SettledOn);
