using CityCard.Cards.Apdu;

namespace CityCard.Cards.Transactions;

/// <summary>
/// The result of a purchase exchange. <see cref="Transaction"/> is set once INIT succeeded (so an
/// <see cref="PurchaseOutcome.Interrupted"/> purchase can be recovered); <see cref="Record"/> once the card returned its
/// TAC and MAC2. <see cref="StatusWord"/> is the status word that decided the outcome (<c>9000</c> when completed).
/// </summary>
public sealed record PurchaseResult(PurchaseOutcome Outcome, ushort StatusWord, PurchaseTransaction? Transaction, PurchaseRecord? Record)
{
    /// <summary>True when the purchase completed.</summary>
    public bool IsCompleted => Outcome == PurchaseOutcome.Completed;

    /// <inheritdoc />
    public override string ToString() => $"{Outcome} ({StatusWords.Format(StatusWord)})";
}
