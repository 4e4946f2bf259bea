namespace CityCard.Clearing.Pipeline;

/// <summary>The receipt, and whether it was already stored (a replayed or concurrent upload of the same file).</summary>
public sealed record IngestResult(BatchReceipt Receipt, bool Replayed);
