namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// How a lost card's recoverable value is computed, to the fen: the shadow balance when the loss was reported, then one
/// line per record of the card that reached the centre after the report — accepted late records (made before the
/// terminal had the blacklist) move the balance; refused ones (used after the terminal had it, duplicates, forgeries)
/// do not — and the recoverable value at the end, which equals the card's shadow balance.
/// </summary>
public sealed record LossStatement(
    string Asn,
    DateTimeOffset LostUtc,
    uint BlacklistVersion,
    long BalanceAtReportFen,
    IReadOnlyList<StatementLine> Lines,
    long RecoverableFen,
    DateTimeOffset ComputedUtc,
    bool Final);

/// <summary>One record on a loss statement.</summary>
public sealed record StatementLine(
    string CardDateTime,
    DateTimeOffset ReceivedUtc,
    uint DeviceId,
    uint BatchNumber,
    int Index,
    string Kind,
    long Counter,
    long AmountFen,
    long BalanceBeforeFen,
    long BalanceAfterFen,
    string Outcome,
    string Reason,
    long TerminalBlacklistVersion,
    long EffectFen,
    long RunningFen,
    string Explanation);
