namespace CityCard.Terminals.Core;

/// <summary>An outlet cash-drawer movement: cash taken for a load, a deposit or a card sale, or paid out for a refund.</summary>
public sealed record CashMovement(string Reason, long AmountFen, string Reference, DateTimeOffset AtUtc);
