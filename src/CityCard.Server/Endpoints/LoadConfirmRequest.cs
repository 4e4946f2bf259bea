namespace CityCard.Server.Endpoints;

/// <summary>The body of <c>POST /api/loads/confirm</c>: the card's TAC after CREDIT FOR LOAD.</summary>
public sealed record LoadConfirmRequest
{
    /// <summary>ASN, 16 hex digits.</summary>
    public string? Asn { get; init; }

    /// <summary>The online counter of the load.</summary>
    public int OnlineCounter { get; init; }

    /// <summary>Key version (default 1).</summary>
    public int KeyVersion { get; init; } = 1;

    /// <summary>des or sm4 (default des).</summary>
    public string? Algorithm { get; init; }

    /// <summary>The card's TAC, 8 hex digits.</summary>
    public string? Tac { get; init; }
}
