using CityCard.Clearing.Verification;

namespace CityCard.Clearing.Pipeline;

/// <summary>An accepted record's place in its card's balance chain.</summary>
public readonly record struct ChainLink(OrderKey Order, long BalanceBeforeFen, long BalanceAfterFen);
