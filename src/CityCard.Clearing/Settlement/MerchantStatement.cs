namespace CityCard.Clearing.Settlement;

/// <summary>
/// One merchant's or operator's statement in a settlement, per contract rate: purchases it is paid for and loads it
/// collected. <c>Gross − Discount = Revenue = charged + concession subsidy</c>; <c>Net = Revenue − Commission</c>.
/// </summary>
public sealed record MerchantStatement
{
    /// <summary>The merchant or operator.</summary>
    public required uint MerchantId { get; init; }

    /// <summary>Its name.</summary>
    public required string Name { get; init; }

    /// <summary>Its category.</summary>
    public required string Category { get; init; }

    /// <summary>The contract rate the records were cleared at, basis points.</summary>
    public required int CommissionBps { get; init; }

    /// <summary>Accepted purchases.</summary>
    public long Purchases { get; init; }

    /// <summary>Full fares and prices before any discount, fen.</summary>
    public long GrossFen { get; init; }

    /// <summary>Discounts the merchant bears (transfer, merchant discount, capped fares), fen.</summary>
    public long DiscountFen { get; init; }

    /// <summary>Concession subsidy claimed from the subsidising body on the merchant's behalf, fen.</summary>
    public long ConcessionSubsidyFen { get; init; }

    /// <summary>Charged to cards plus concession subsidy, fen.</summary>
    public long RevenueFen { get; init; }

    /// <summary>Commission, fen.</summary>
    public long CommissionFen { get; init; }

    /// <summary>Paid to the merchant: revenue − commission, fen.</summary>
    public long NetFen { get; init; }

    /// <summary>Accepted loads the operator's outlets collected cash for.</summary>
    public long Loads { get; init; }

    /// <summary>Cash collected for loads, owed to the centre, fen.</summary>
    public long LoadsFen { get; init; }
}
