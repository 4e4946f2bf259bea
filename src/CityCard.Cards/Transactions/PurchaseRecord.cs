namespace CityCard.Cards.Transactions;

/// <summary>A completed purchase: the transaction and the card's proofs of it (TAC for the clearing centre, MAC2 for the PSAM).</summary>
public sealed record PurchaseRecord(PurchaseTransaction Transaction, uint Tac, uint Mac2);
