using CityCard.Records;

namespace CityCard.Terminals.Common;

/// <summary>The result of presenting a card, with the message the passenger or clerk sees.</summary>
public sealed record TapResult(TapOutcome Outcome, string Message, TransactionRecord? Record = null, long? BalanceAfterFen = null)
{
    /// <summary>True when the terminal's job was done (charged, entered, recovered, recorded or already paid).</summary>
    public bool IsSuccess => Outcome is TapOutcome.Completed or TapOutcome.Entered or TapOutcome.Recovered or TapOutcome.AlreadyPaid or TapOutcome.Recorded;
}
