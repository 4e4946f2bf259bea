using CityCard.Security.Ep;

namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// Value the centre holds for a card that is not on the card yet (account <c>PendingCredits</c>): an online payment, the
/// recovered value of a replaced card, or a manual adjustment. It is written to the card by an online load at the
/// card's next visit to an outlet (claimed once), or refunded by the healer when unclaimed for too long.
/// </summary>
public sealed record PendingCredit
{
    /// <summary>The credit's id.</summary>
    public required long CreditId { get; init; }

    /// <summary>The card it is for.</summary>
    public required Asn Asn { get; init; }

    /// <summary>Where it came from: <c>payment</c>, <c>replacement</c> or <c>adjustment</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The natural key of its origin (the payment id, the replaced card, the adjustment request): unique.</summary>
    public required string Reference { get; init; }

    /// <summary>Amount, fen.</summary>
    public required long AmountFen { get; init; }

    /// <summary>Where it stands.</summary>
    public required PendingCreditStatus Status { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>The online counter of the load that reserved it, while reserved or once claimed.</summary>
    public ushort? LoadCounter { get; init; }

    /// <summary>The outlet device of that load.</summary>
    public uint? LoadDevice { get; init; }

    /// <summary>When it was claimed or refunded.</summary>
    public DateTimeOffset? SettledUtc { get; init; }
}
