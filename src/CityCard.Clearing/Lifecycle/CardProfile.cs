using CityCard.Security.Ep;

namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// What the lifecycle knows of a card beyond its clearing account: product, holder, validity, the concession's
/// verification date, loss report and closure (refunded or replaced). Cards registered before products existed have none.
/// </summary>
public sealed record CardProfile
{
    /// <summary>The card.</summary>
    public required Asn Asn { get; init; }

    /// <summary>The product's name.</summary>
    public required string Product { get; init; }

    /// <summary>The holder's name (registered products), else null.</summary>
    public string? HolderName { get; init; }

    /// <summary>The holder's ID number (registered products), else null.</summary>
    public string? IdNumber { get; init; }

    /// <summary>Last day the card is valid.</summary>
    public required DateOnly ValidUntil { get; init; }

    /// <summary>Last day of the concession until the entitlement is verified again; null for a full-fare product.</summary>
    public DateOnly? ConcessionValidUntil { get; init; }

    /// <summary>When the card was reported lost (null when it is not lost).</summary>
    public DateTimeOffset? LostUtc { get; init; }

    /// <summary>The shadow balance when the loss was reported, fen.</summary>
    public long? LostBalanceFen { get; init; }

    /// <summary>How the card was closed for good: <c>refunded</c> or <c>replaced</c>; null while it is open.</summary>
    public string? ClosedAs { get; init; }

    /// <summary>When it was closed.</summary>
    public DateTimeOffset? ClosedUtc { get; init; }

    /// <summary>The card that replaced it.</summary>
    public Asn? ReplacedBy { get; init; }

    /// <summary>The card it replaced.</summary>
    public Asn? Replaces { get; init; }

    /// <summary>The loss statement kept when the card was closed after a loss (JSON), else null.</summary>
    public string? Statement { get; init; }
}
