using CityCard.Clearing.Ledger;
using CsCheck;

namespace CityCard.Clearing.Tests.Ledger;

public sealed class LedgerArithmeticTests
{
    [Fact]
    public void PurchaseSplit_AnyPurchase_NetPlusCommissionIsRevenueAndGrossMinusDiscountIsRevenue()
    {
        Gen.Select(Gen.Long[0, 10_000_000], Gen.Long[0, 10_000_000], Gen.Bool, Gen.Int[0, 10_000]).Sample((amount, fullFare, concession, bps) =>
        {
            var split = PurchaseSplit.Of(amount, fullFare, concession, bps);
            Assert.Equal(split.RevenueFen, split.NetFen + split.CommissionFen);
            Assert.Equal(split.RevenueFen, split.FullFareFen - split.MerchantDiscountFen);
            Assert.InRange(split.CommissionFen, 0, split.RevenueFen);
            Assert.True(split.MerchantDiscountFen >= 0);
            Assert.Equal(concession ? Math.Max(fullFare, amount) - amount : 0, split.SubsidyFen);
        });
    }

    [Theory]
    [InlineData(200, 300, 6)]
    [InlineData(150, 300, 5)]
    [InlineData(149, 300, 4)]
    [InlineData(1, 10_000, 1)]
    [InlineData(0, 300, 0)]
    public void PurchaseSplit_Commission_RoundsHalfUpPerRecord(long amount, int bps, long commission) =>
        Assert.Equal(commission, PurchaseSplit.Of(amount, 0, false, bps).CommissionFen);

    [Fact]
    public void LedgerTransaction_Unbalanced_Throws()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new LedgerTransaction(
            LedgerTransactionKind.BatchClearing,
            new DateOnly(2026, 11, 20),
            "test",
            [new Posting(Account.Of(AccountKind.SettlementBank), 5), new Posting(Account.Of(AccountKind.CommissionIncome), -4)]));
        Assert.Contains("sum to 1 fen", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostingBuilder_AnyPostings_MergesByAccountAndKeepsTheSum()
    {
        Gen.Select(Gen.Int[1, 7], Gen.Long[0, 5], Gen.Long[-1_000_000, 1_000_000]).List[0, 50].Sample(lines =>
        {
            var builder = new PostingBuilder();
            foreach (var (kind, sub, amount) in lines)
            {
                builder.Add(new Account((AccountKind)kind, sub), amount);
            }

            var postings = builder.ToPostings();
            Assert.Equal(lines.Sum(l => l.Item3), postings.Sum(p => p.AmountFen));
            Assert.Equal(postings.Count, postings.Select(p => p.Account).Distinct().Count());
            Assert.DoesNotContain(postings, p => p.AmountFen == 0);
        });
    }
}
