namespace CityCard.Server.Endpoints;

/// <summary>The body of <c>POST /api/loads/authorise</c>: the card's INITIALIZE FOR LOAD answer, as hex and numbers.</summary>
public sealed record LoadAuthoriseRequest
{
    /// <summary>ASN, 16 hex digits.</summary>
    public string? Asn { get; init; }

    /// <summary>City code, 4 hex digits (default 2144).</summary>
    public string? City { get; init; }

    /// <summary>Balance before, fen.</summary>
    public long BalanceBeforeFen { get; init; }

    /// <summary>Amount, fen.</summary>
    public long AmountFen { get; init; }

    /// <summary>Online counter from INITIALIZE FOR LOAD.</summary>
    public int OnlineCounter { get; init; }

    /// <summary>Key version (default 1).</summary>
    public int KeyVersion { get; init; } = 1;

    /// <summary>des or sm4 (default des).</summary>
    public string? Algorithm { get; init; }

    /// <summary>The card's random, 8 hex digits.</summary>
    public string? Random { get; init; }

    /// <summary>The outlet's terminal number, 12 hex digits.</summary>
    public string? Terminal { get; init; }

    /// <summary>MAC1, 8 hex digits.</summary>
    public string? Mac1 { get; init; }

    /// <summary>True when the load writes the card's pending credits (the amount must be their sum) instead of cash.</summary>
    public bool ClaimCredits { get; init; }
}
