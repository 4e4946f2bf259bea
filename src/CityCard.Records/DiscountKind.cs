namespace CityCard.Records;

/// <summary>Why the charged amount differs from the full fare or price (byte 47).</summary>
public enum DiscountKind : byte
{
    /// <summary>Charged the full fare or price.</summary>
    None = 0,

    /// <summary>Concession by card type (student, elderly, disabled); the subsidising body pays the difference.</summary>
    Concession = 1,

    /// <summary>Transfer discount within the transfer window.</summary>
    Transfer = 2,

    /// <summary>Merchant discount rule (the merchant bears it).</summary>
    MerchantDiscount = 3,

    /// <summary>An entry with no exit, charged the configured maximum fare.</summary>
    UnfinishedTrip = 4,
}
