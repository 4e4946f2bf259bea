using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Verification;

namespace CityCard.Clearing.Pipeline;

/// <summary>A stored record with the same key as an incoming one: what the duplicate and clone checks compare against.</summary>
public sealed record PriorRecord(RecordKey Key, RecordOutcome Outcome, byte[] Raw);
