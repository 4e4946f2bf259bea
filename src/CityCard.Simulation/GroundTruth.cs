namespace CityCard.Simulation;

/// <summary>What the simulator knows happened, to check the centre's outcomes against.</summary>
public sealed class GroundTruth
{
    /// <summary>Genuine card transactions recorded by terminals (purchases and loads).</summary>
    public int GenuineRecords { get; set; }

    /// <summary>Access events recorded.</summary>
    public int AccessEvents { get; set; }

    /// <summary>Genuine amount charged or loaded, fen.</summary>
    public long GenuineFen { get; set; }

    /// <summary>Forged records injected into signed batches.</summary>
    public int ForgedRecords { get; set; }

    /// <summary>Transactions made with cloned cards.</summary>
    public int CloneUses { get; set; }

    /// <summary>Cards cloned.</summary>
    public int ClonedCards { get; set; }

    /// <summary>Batches uploaded twice.</summary>
    public int DuplicateUploads { get; set; }

    /// <summary>Batches delivered a day late.</summary>
    public int LateBatches { get; set; }

    /// <summary>Batches lost on first upload and resent.</summary>
    public int LostBatches { get; set; }

    /// <summary>Batches altered in transit on first upload.</summary>
    public int TamperedBatches { get; set; }

    /// <summary>Torn transactions (answer lost after the card debited).</summary>
    public int TornTransactions { get; set; }

    /// <summary>Torn transactions completed with GET TRANSACTION PROVE.</summary>
    public int Recovered { get; set; }

    /// <summary>Terminal process crashes (journal reopened).</summary>
    public int TerminalCrashes { get; set; }

    /// <summary>Terminals with skewed clocks.</summary>
    public int SkewedTerminals { get; set; }

    /// <summary>Cards reported lost.</summary>
    public int LossReports { get; set; }

    /// <summary>Uses of lost cards before the terminal had the blacklist (accepted, recoverable later).</summary>
    public int LostCardUsesBeforeBlacklist { get; set; }

    /// <summary>Uses of lost cards refused by a terminal that had the blacklist (the card is blocked).</summary>
    public int LostCardUsesRefused { get; set; }

    /// <summary>Taps refused for insufficient balance or similar (nothing recorded).</summary>
    public int Refusals { get; set; }

    /// <summary>New cards sold.</summary>
    public int CardsSold { get; set; }

    /// <summary>Online top-ups paid (each a distinct payment id).</summary>
    public int OnlineTopUps { get; set; }

    /// <summary>Fen paid online.</summary>
    public long OnlineTopUpFen { get; set; }

    /// <summary>Payment notifications the gateway sent twice.</summary>
    public int DuplicatePaymentNotifications { get; set; }

    /// <summary>Pending credits written to cards at an outlet.</summary>
    public int CreditsClaimed { get; set; }

    /// <summary>Fen written to cards from pending credits.</summary>
    public long CreditsClaimedFen { get; set; }

    /// <summary>Lost cards replaced after the waiting period.</summary>
    public int Replacements { get; set; }

    /// <summary>Value recovered from lost cards onto their replacements.</summary>
    public long RecoveredFen { get; set; }

    /// <summary>Batch files written.</summary>
    public int Batches { get; set; }
}
