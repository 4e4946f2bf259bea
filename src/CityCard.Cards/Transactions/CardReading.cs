using CityCard.Cards.Application;

namespace CityCard.Cards.Transactions;

/// <summary>What a generic reader learns from a city card without keys or PIN: EF 0015, the balance and EF 0018 (newest first).</summary>
public sealed record CardReading(ReadOutcome Outcome, ushort StatusWord, CardPublicInfo? PublicInfo, int? Balance, IReadOnlyList<TransactionRecord> History);
