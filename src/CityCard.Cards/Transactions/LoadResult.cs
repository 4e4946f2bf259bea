using CityCard.Cards.Apdu;

namespace CityCard.Cards.Transactions;

/// <summary>
/// The result of a load exchange. <see cref="Request"/> is set once INIT succeeded, <see cref="Authorization"/> once the
/// authority answered, <see cref="Record"/> once the card returned its TAC. <see cref="StatusWord"/> is the card's status
/// word that decided the outcome (<c>9000</c> when completed, 0 when no status word was received).
/// </summary>
public sealed record LoadResult(LoadOutcome Outcome, ushort StatusWord, LoadRequest? Request, LoadAuthorization? Authorization, LoadRecord? Record)
{
    /// <summary>True when the load completed with a valid TAC.</summary>
    public bool IsCompleted => Outcome == LoadOutcome.Completed;

    /// <inheritdoc />
    public override string ToString() => $"{Outcome} ({StatusWords.Format(StatusWord)})";
}
