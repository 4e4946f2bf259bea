namespace CityCard.Clearing.Ledger;

/// <summary>One line of a ledger transaction: signed fen, debit positive, credit negative.</summary>
public readonly record struct Posting(Account Account, long AmountFen);
