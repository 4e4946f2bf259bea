namespace CityCard.Terminals.Parameters;

/// <summary>A merchant discount (消费打折): percentage or fixed amount, by card type and time window.</summary>
public sealed record MerchantDiscountRule
{
    /// <summary>The merchant it applies to.</summary>
    public required uint MerchantId { get; init; }

    /// <summary>Card type name, or null for every card type.</summary>
    public string? CardType { get; init; }

    /// <summary>Percentage off, 0..100 (0 when a fixed amount is used).</summary>
    public int PercentOff { get; init; }

    /// <summary>Fixed amount off, fen.</summary>
    public long FixedOffFen { get; init; }

    /// <summary>Time window "HH:mm-HH:mm" (local time), or null for all day.</summary>
    public string? Window { get; init; }
}
