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

    /// <summary>Refunded to the payer by the healer, or paid out in cash with the refund of the lost card it waited for.</summary>
    Refunded = 4,

    /// <summary>Moved to the replacement of the lost card it waited for (a new credit of the same source there).</summary>
    Transferred = 5,
}
