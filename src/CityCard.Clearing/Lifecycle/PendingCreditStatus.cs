namespace CityCard.Clearing.Lifecycle;

/// <summary>Where a pending credit stands. Numbers are stored; never renumber.</summary>
public enum PendingCreditStatus : byte
{
    /// <summary>Waiting for the card's next visit to an outlet.</summary>
    Available = 1,

    /// <summary>An online load that writes it was authorised; its outcome is not known yet.</summary>
    Reserved = 2,

    /// <summary>Written to the card (the load's TAC verified, or the card's online counter proved the load happened).</summary>
    Claimed = 3,

    /// <summary>Refunded to the payer by the healer.</summary>
    Refunded = 4,
}
