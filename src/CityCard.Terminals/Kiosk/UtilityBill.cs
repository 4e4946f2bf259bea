namespace CityCard.Terminals.Kiosk;

/// <summary>A household's utility bill as the centre lists it.</summary>
public sealed record UtilityBill
{
    /// <summary>Bill number.</summary>
    public required uint BillId { get; init; }

    /// <summary>Household (residential community account) number.</summary>
    public required string Household { get; init; }

    /// <summary>water, electricity, gas or heating.</summary>
    public required string Utility { get; init; }

    /// <summary>The utility company (merchant paid).</summary>
    public required uint MerchantId { get; init; }

    /// <summary>Billing period, e.g. 2026-10.</summary>
    public required string Period { get; init; }

    /// <summary>Amount due, fen.</summary>
    public required long AmountFen { get; init; }

    /// <summary>True once paid.</summary>
    public bool Paid { get; init; }
}
