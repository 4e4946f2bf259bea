namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// A card product (卡种) as configured in the product file (docs/lifecycle.md): what the card carries, what the holder
/// pays, and for a concession product how often the holder's entitlement must be verified at an outlet.
/// </summary>
public sealed record CardProduct
{
    /// <summary>The product's name (anonymous, registered, student, elderly, disabled, staff, or one the file adds).</summary>
    public required string Name { get; init; }

    /// <summary>The card-type name the card carries in EF 0015 (ordinary, student, elder, disabled, staff): terminals apply concessions by it.</summary>
    public required string CardType { get; init; }

    /// <summary>The card-type byte of <see cref="CardType"/>.</summary>
    public required byte CardTypeCode { get; init; }

    /// <summary>True when the holder's name and ID number are taken at sale: the card can be reported lost and its value recovered.</summary>
    public bool Registered { get; init; }

    /// <summary>Deposit taken at sale and returned at refund, fen.</summary>
    public long DepositFen { get; init; }

    /// <summary>How many years a new card is valid.</summary>
    public int ValidityYears { get; init; }

    /// <summary>Overdraft the purse allows below zero, fen (personalised into the card).</summary>
    public long OverdraftLimitFen { get; init; }

    /// <summary>The concession, or null for a full-fare product.</summary>
    public ProductConcession? Concession { get; init; }

    /// <summary>For a concession product: months between verifications of the entitlement (12 = annual).</summary>
    public int? VerificationMonths { get; init; }
}
