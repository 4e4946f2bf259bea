namespace CityCard.Clearing.Lifecycle;

/// <summary>The first answer to a request id (idempotency): a replay with the same operation and parameters gets <see cref="Answer"/> again.</summary>
public sealed record StoredOperation(string RequestId, string Operation, string Fingerprint, string Answer, DateTimeOffset CreatedUtc);
