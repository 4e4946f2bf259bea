namespace CityCard.Server.Endpoints;

/// <summary>The body of <c>POST /api/payments/notify</c>, signed by the payment gateway.</summary>
public sealed record PaymentNotification
{
    /// <summary>The gateway's payment id (the idempotency key).</summary>
    public string? PaymentId { get; init; }

    /// <summary>The card paid for, 16 hex digits.</summary>
    public string? Asn { get; init; }

    /// <summary>Amount paid, fen.</summary>
    public long AmountFen { get; init; }
}
