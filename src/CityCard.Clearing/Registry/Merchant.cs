namespace CityCard.Clearing.Registry;

/// <summary>
/// A merchant or operator the centre pays or collects from: a shop, a bus company, a taxi company, a top-up outlet, a
/// utility. Commission is charged at <see cref="CommissionBps"/> basis points of its revenue.
/// </summary>
public sealed record Merchant
{
    /// <summary>Most a commission rate can be, in basis points (100 %).</summary>
    public const int MaxCommissionBps = 10_000;

    /// <summary>The id records carry (record bytes 52..55) and headers carry as operator id.</summary>
    public required uint MerchantId { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Merchant category (transport, supermarket, restaurant, utility, outlet…), used to group commission.</summary>
    public required string Category { get; init; }

    /// <summary>Contract commission rate in basis points (0..10,000).</summary>
    public required int CommissionBps { get; init; }

    /// <summary>When it was registered.</summary>
    public DateTimeOffset RegisteredUtc { get; init; }
}
