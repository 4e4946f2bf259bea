namespace CityCard.Security.Ep;

/// <summary>Transaction-type bytes (交易类型标识) used by CityCard (STANDARDS.md §1.2).</summary>
public static class TransactionType
{
    /// <summary>Electronic purse load (圈存).</summary>
    public const byte Load = 0x02;

    /// <summary>Electronic purse purchase (消费).</summary>
    public const byte Purchase = 0x06;

    /// <summary>Composite (CAPP) purchase (复合消费).</summary>
    public const byte CappPurchase = 0x09;

    /// <summary>True for the purchase types whose MAC1/MAC2/TAC follow the purchase formulas.</summary>
    public static bool IsPurchase(byte type) => type is Purchase or CappPurchase;
}
