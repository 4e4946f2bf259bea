namespace CityCard.Server.Endpoints;

/// <summary>
/// The body of the lifecycle endpoints (docs/lifecycle.md): who asks and under which request id (every operation is
/// idempotent by it), and the operation's own fields; each endpoint names the fields it needs.
/// </summary>
public sealed record LifecycleRequest
{
    /// <summary>The caller's id for the request: a replay gets the first answer.</summary>
    public string? RequestId { get; init; }

    /// <summary>The operator acting.</summary>
    public string? Operator { get; init; }

    /// <summary>Product name (sale, product change).</summary>
    public string? Product { get; init; }

    /// <summary>The outlet operator at whose counter it happens (cash taken or paid out).</summary>
    public uint? OutletId { get; init; }

    /// <summary>The holder's name (registered cards).</summary>
    public string? HolderName { get; init; }

    /// <summary>The holder's ID number (registered cards).</summary>
    public string? IdNumber { get; init; }

    /// <summary>City code, 4 digits (sale; default 2144).</summary>
    public string? City { get; init; }

    /// <summary>Refund with the card present: the balance read from the card, fen. Absent: refund of a lost card.</summary>
    public long? CardBalanceFen { get; init; }

    /// <summary>Adjustment amount, fen.</summary>
    public long? AmountFen { get; init; }

    /// <summary>Adjustment reason.</summary>
    public string? Reason { get; init; }
}
