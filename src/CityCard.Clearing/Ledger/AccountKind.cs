namespace CityCard.Clearing.Ledger;

/// <summary>
/// The chart of accounts (docs/clearing.md). Postings are signed fen: a debit is positive, a credit negative, so a
/// liability's balance is the negated sum of its postings. Numbers are stored; never renumber.
/// </summary>
public enum AccountKind : byte
{
    /// <summary>Card float (liability, per card; sub-account = ASN): what the centre owes cardholders. The sum over cards is the aggregate float.</summary>
    CardFloat = 1,

    /// <summary>Card deposits held (liability).</summary>
    CardDeposits = 2,

    /// <summary>Outlet cash (asset, per outlet operator): cash an outlet took for sales and loads and owes the centre.</summary>
    OutletCash = 3,

    /// <summary>Merchant and operator payables (liability, per merchant): revenue less commission, paid at settlement.</summary>
    MerchantPayable = 4,

    /// <summary>Commission income (the centre's revenue).</summary>
    CommissionIncome = 5,

    /// <summary>Concession subsidy receivable (asset): the fare difference claimed from the subsidising body.</summary>
    ConcessionSubsidyReceivable = 6,

    /// <summary>Settlement bank (asset): where payouts leave and outlet remittances arrive.</summary>
    SettlementBank = 7,

    /// <summary>Pending credits (liability, per card; sub-account = ASN): value paid or recovered for a card and not yet written to it.</summary>
    PendingCredits = 8,

    /// <summary>Payment gateway (asset): online payments the gateway collected for the centre, less refunds made through it.</summary>
    PaymentGateway = 9,

    /// <summary>Card fee income (the centre's revenue from refund and replacement fees).</summary>
    CardFeeIncome = 10,

    /// <summary>Manual adjustments (expense): goodwill credits granted by operators under maker-checker.</summary>
    ManualAdjustments = 11,
}
