namespace CityCard.Clearing.Settlement;

/// <summary>
/// One merchant's or operator's statement in a settlement, per contract rate: purchases it is paid for and loads it
/// collected. <c>Gross − Discount = Revenue = charged + concession subsidy</c>; <c>Net = Revenue − Commission</c>;
/// <c>Remittance = Loads − Claims</c>.
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

    /// <summary>Accepted loads the operator's outlets wrote to cards (for cash, or claiming pending credits).</summary>
    public long Loads { get; init; }

    /// <summary>Value the operator's outlets loaded onto cards, fen (cash loads and claims).</summary>
    public long LoadsFen { get; init; }

    /// <summary>
    /// Of <see cref="Loads"/>, the loads that wrote a card's pending credits (online top-up, a replaced card's value, an
    /// adjustment): the outlet took no cash for them, the money is already at the centre (docs/lifecycle.md).
    /// </summary>
    public long Claims { get; init; }

    /// <summary>Value of the claiming loads, fen.</summary>
    public long ClaimsFen { get; init; }

    /// <summary>Cash the outlets took for loads and owe the centre: loads − claims, fen.</summary>
    public long RemittanceFen => LoadsFen - ClaimsFen;
}
