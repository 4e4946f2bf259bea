using CityCard.Cards.Chip;
using CityCard.Cards.Transactions;
using CityCard.Security.Ep;
using static CityCard.Cards.Tests.Support.T;

namespace CityCard.Cards.Tests.Transactions;

/// <summary>Recovering torn exchanges: same card required, no double charge, proofs kept for the latest transactions.</summary>
public sealed class RecoveryTests
{
    [Fact]
    public void Recover_OtherCardPresented_DifferentCardAndNothingCharged()
    {
        var card = FundedCard();
        var other = FundedCard();
        var exchange = new PurchaseExchange(NewPsam());
        card.TearingHook = PowerCut.AfterStep(8);
        var torn = exchange.Purchase(card, 10, Noon);
        Assert.Equal(PurchaseOutcome.Interrupted, torn.Outcome);

        Assert.Equal(PurchaseOutcome.DifferentCard, exchange.Recover(FundedCardWithSerial(2), torn.Transaction!).Outcome);
        Assert.Equal(10_000, other.Purse.Balance);
        card.PowerOn();
        Assert.Equal(PurchaseOutcome.Completed, exchange.Recover(card, torn.Transaction!).Outcome);
        Assert.Equal(9_990, card.Purse.Balance);
    }

    [Fact]
    public void Recover_StillUnpowered_StaysInterrupted()
    {
        var card = FundedCard();
        var exchange = new PurchaseExchange(NewPsam());
        card.TearingHook = PowerCut.AfterStep(0);
        var torn = exchange.Purchase(card, 10, Noon);

        Assert.Equal(PurchaseOutcome.Interrupted, exchange.Recover(card, torn.Transaction!).Outcome);
        card.PowerOn();
        Assert.Equal(PurchaseOutcome.NotDebited, exchange.Recover(card, torn.Transaction!).Outcome);
        Assert.Equal(10_000, card.Purse.Balance);
    }

    [Fact]
    public void GetTransactionProve_KeepsTheLastFourProofs()
    {
        var card = FundedCard();
        var exchange = new PurchaseExchange(NewPsam());
        var records = Enumerable.Range(1, 5).Select(amount => exchange.Purchase(card, (uint)amount, Noon).Record!).ToList();
        card.Transmit(CardCommands.SelectApplication());

        Assert.Equal(0x6985, Sw(card.Transmit(CardCommands.GetTransactionProve(TransactionType.Purchase, 1))));
        foreach (var record in records.Skip(1))
        {
            var response = card.Transmit(CardCommands.GetTransactionProve(TransactionType.Purchase, (ushort)record.Transaction.CounterAfter));
            Assert.Equal(X(record.Mac2) + X(record.Tac) + "9000", X(response));
        }

        Assert.Equal(0x6985, Sw(card.Transmit(CardCommands.GetTransactionProve(TransactionType.CappPurchase, 5))));
        Assert.Equal(0x6985, Sw(card.Transmit(CardCommands.GetTransactionProve(TransactionType.Load, 1))));
    }

    [Fact]
    public void ChinaTime_IsUtcPlusEight()
    {
        Assert.Equal("20250315120000", ChinaTime.FromUtc(HostInstant).ToString());
        Assert.Equal(HostInstant, ChinaTime.ToUtc(BcdDateTime.Parse("20250315120000", "when")));
    }

    private static Cards.Cos.SoftCard FundedCardWithSerial(long serial)
    {
        var card = NewCard(serial: serial);
        Assert.True(Loader(EpAlgorithm.Des).Load(card, 100).IsCompleted);
        return card;
    }
}
