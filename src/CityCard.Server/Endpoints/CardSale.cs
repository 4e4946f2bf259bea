namespace CityCard.Server.Endpoints;

/// <summary>The body of <c>POST /api/cards</c>: a card sold at an outlet.</summary>
public sealed record CardSale
{
    /// <summary>ASN, 16 hex digits.</summary>
    public string? Asn { get; init; }

    /// <summary>City code, 4 hex digits (default 2144).</summary>
    public string? City { get; init; }

    /// <summary>Card type byte.</summary>
    public int CardType { get; init; } = 1;

    /// <summary>Deposit, fen.</summary>
    public long DepositFen { get; init; }

    /// <summary>Balance on the card, fen.</summary>
    public long BalanceFen { get; init; }

    /// <summary>The card's offline counter when sold.</summary>
    public int OfflineCounter { get; init; }

    /// <summary>The card's online counter when sold.</summary>
    public int OnlineCounter { get; init; }

    /// <summary>The outlet operator that took the cash.</summary>
    public uint OutletId { get; init; }
}
