namespace CityCard.Simulation.Presets;

/// <summary>
/// Fault knobs, each a rate. <c>default</c> turns all on at realistic rates; <c>none</c> turns them off.
/// Per tap: torn transactions, terminal crashes. Per batch: duplicate, late, lost and tampered uploads, forged records.
/// Per card per day: clones. Per terminal: clock skew. Lost cards: share of lost cards a finder keeps using.
/// </summary>
public sealed record FaultRates
{
    /// <summary>Card leaves the field after the card debited but before the terminal got the answer (per tap).</summary>
    public double TornRate { get; init; }

    /// <summary>A batch uploaded twice.</summary>
    public double DuplicateUploadRate { get; init; }

    /// <summary>A batch delivered a day late (out of order).</summary>
    public double LateBatchRate { get; init; }

    /// <summary>A batch lost on its first upload and resent later.</summary>
    public double LostBatchRate { get; init; }

    /// <summary>A batch carrying a forged record (valid file MAC, bad TAC).</summary>
    public double ForgedRecordRate { get; init; }

    /// <summary>Active cards cloned per day (the clone replays the card's counters with other purchases).</summary>
    public double ClonedCardRate { get; init; }

    /// <summary>A batch altered in transit on its first upload (file MAC fails), then resent intact.</summary>
    public double TamperedBatchRate { get; init; }

    /// <summary>A terminal process crashing while it writes a journal entry (per tap).</summary>
    public double TerminalCrashRate { get; init; }

    /// <summary>Share of terminals whose clock is off by a few minutes.</summary>
    public double ClockSkewRate { get; init; }

    /// <summary>Share of cards reported lost that a finder keeps using before the blacklist reaches the terminals.</summary>
    public double LostCardUseRate { get; init; }

    /// <summary>Share of online payments whose notification the payment gateway sends twice.</summary>
    public double DuplicatePaymentNotificationRate { get; init; }

    /// <summary>All faults off.</summary>
    public static FaultRates None { get; } = new();

    /// <summary>All faults on at realistic rates.</summary>
    public static FaultRates Default { get; } = new()
    {
        TornRate = 0.002,
        DuplicateUploadRate = 0.02,
        LateBatchRate = 0.03,
        LostBatchRate = 0.01,
        ForgedRecordRate = 0.01,
        ClonedCardRate = 0.0005,
        TamperedBatchRate = 0.01,
        TerminalCrashRate = 0.0005,
        ClockSkewRate = 0.05,
        LostCardUseRate = 1.0,
        DuplicatePaymentNotificationRate = 0.05,
    };
}
