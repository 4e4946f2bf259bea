namespace CityCard.Clearing.Ledger;

/// <summary>The money split of one accepted purchase (docs/clearing.md §Ledger).</summary>
public readonly record struct PurchaseSplit(long FullFareFen, long AmountFen, long SubsidyFen, long CommissionFen)
{
    /// <summary>What the merchant earns before commission: the amount charged plus the concession subsidy.</summary>
    public long RevenueFen => checked(AmountFen + SubsidyFen);

    /// <summary>Discount borne by the merchant or operator (transfer, merchant discount): full fare − revenue.</summary>
    public long MerchantDiscountFen => checked(FullFareFen - RevenueFen);

    /// <summary>What the merchant is paid: revenue − commission.</summary>
    public long NetFen => checked(RevenueFen - CommissionFen);

    /// <summary>
    /// Splits a purchase. The full fare is taken as the amount when the device left it 0 or below the amount; the
    /// subsidy is full fare − amount for a concession; commission is revenue × rate / 10,000 rounded half up, per record.
    /// </summary>
    public static PurchaseSplit Of(long amountFen, long fullFareFen, bool concession, int commissionBps)
    {
        if (amountFen < 0 || fullFareFen < 0 || commissionBps is < 0 or > Registry.Merchant.MaxCommissionBps)
        {
            throw new ArgumentOutOfRangeException(nameof(amountFen), "purchase split: amounts must be non-negative and the rate 0..10000 bps");
        }

        var fullFare = Math.Max(fullFareFen, amountFen);
        var subsidy = concession ? fullFare - amountFen : 0;
        var revenue = checked(amountFen + subsidy);
        var commission = checked(((revenue * commissionBps) + 5_000) / 10_000);
        return new PurchaseSplit(fullFare, amountFen, subsidy, commission);
    }
}
