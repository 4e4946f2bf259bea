using CityCard.Cards.Application;
using CityCard.Cards.Cos;
using CityCard.Cards.Transactions;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using static CityCard.Cards.Tests.Support.T;

namespace CityCard.Cards.Tests.Transactions;

/// <summary>Purchase, composite purchase and load exchanges on DES and SM4 cards with the demo keys.</summary>
public sealed class ExchangeTests
{
    [Theory]
    [InlineData(EpAlgorithm.Des)]
    [InlineData(EpAlgorithm.Sm4)]
    public void Load_DemoAuthority_CreditsAndTacVerifiesIndependently(EpAlgorithm algorithm)
    {
        var card = NewCard(algorithm);

        var result = Loader(algorithm).Load(card, 5_000);

        Assert.Equal(LoadOutcome.Completed, result.Outcome);
        Assert.Equal(new PurseState(5_000, 0, 1, 0), card.Purse);
        var record = result.Record!;
        var keys = KeysOf(card);
        var expectedTac = EpMacs.LoadTac(keys.TacKey, 5_000, 0, 5_000, TransactionType.Load, LoadTerminal, record.HostDateTime);
        Assert.Equal(expectedTac, record.Tac);
        Assert.Equal("20250315120000", record.HostDateTime.ToString());
        Assert.Equal((algorithm, (byte)1, 0, (ushort)0), (record.Request.Algorithm, record.Request.KeyVersion, record.Request.BalanceBefore, record.Request.OnlineCounter));
    }

    [Theory]
    [InlineData(EpAlgorithm.Des)]
    [InlineData(EpAlgorithm.Sm4)]
    public void Purchase_DemoPsam_DebitsAndRecordCarriesVerifiableTac(EpAlgorithm algorithm)
    {
        var card = FundedCard(algorithm);
        var psam = NewPsam(serial: 41);

        var result = new PurchaseExchange(psam).Purchase(card, 250, Noon);

        Assert.Equal(PurchaseOutcome.Completed, result.Outcome);
        Assert.Equal(new PurseState(9_750, 0, 1, 1), card.Purse);
        Assert.Equal(42u, psam.TransactionSerial);
        var record = result.Record!;
        var transaction = record.Transaction;
        Assert.Equal((card.Asn, DemoKeySet.HomeCity, CardType.Ordinary, (ushort)0, 10_000, 250u, TransactionType.Purchase, PosTerminal, 41u),
            (transaction.Asn, transaction.City, transaction.CardType, transaction.OfflineCounter, transaction.BalanceBefore, transaction.Amount, transaction.TransactionType, transaction.Terminal, transaction.Ttsn));
        Assert.Equal((algorithm, (byte)1), (transaction.Algorithm, transaction.KeyVersion));
        var keys = KeysOf(card);
        Assert.Equal(EpMacs.PurchaseTac(keys.TacKey, 250, TransactionType.Purchase, PosTerminal, 41, Noon), record.Tac);
        var sessionKey = EpMacs.PurchaseSessionKey(keys.Purchase, transaction.CardRandom, 0, 41);
        Assert.Equal(EpMacs.PurchaseMac2(sessionKey, 250), record.Mac2);
    }

    [Theory]
    [InlineData(EpAlgorithm.Des)]
    [InlineData(EpAlgorithm.Sm4)]
    public void CappPurchase_WritesRecordAtomicallyWithDebit(EpAlgorithm algorithm)
    {
        var card = FundedCard(algorithm);
        var capp = new CappRecordUpdate(2, CappData(0xA7));

        var result = new PurchaseExchange(NewPsam()).CappPurchase(card, 300, Noon, capp);

        Assert.Equal(PurchaseOutcome.Completed, result.Outcome);
        Assert.Equal(9_700, card.Purse.Balance);
        Assert.Equal(CappData(0xA7), card.CappRecord(2));
        Assert.Equal(new byte[48], card.CappRecord(1));
        Assert.Equal(TransactionType.CappPurchase, card.History[0].Type);
        Assert.Equal(EpMacs.PurchaseTac(KeysOf(card).TacKey, 300, TransactionType.CappPurchase, PosTerminal, 1, Noon), result.Record!.Tac);
    }

    [Theory]
    [InlineData(EpAlgorithm.Des)]
    [InlineData(EpAlgorithm.Sm4)]
    public void Purchase_MoreThanBalance_InsufficientBalanceAndNothingChanges(EpAlgorithm algorithm)
    {
        var card = FundedCard(algorithm, amount: 100);
        var psam = NewPsam();

        var result = new PurchaseExchange(psam).Purchase(card, 101, Noon);

        Assert.Equal(PurchaseOutcome.InsufficientBalance, result.Outcome);
        Assert.Equal(0x9401, result.StatusWord);
        Assert.Equal(new PurseState(100, 0, 1, 0), card.Purse);
        Assert.Equal(1u, psam.TransactionSerial);
    }

    [Fact]
    public void Purchase_WithOverdraft_GoesNegativeDownToTheLimitOnly()
    {
        var card = FundedCard(amount: 100, overdraft: 500);
        var exchange = new PurchaseExchange(NewPsam());

        Assert.Equal(PurchaseOutcome.Completed, exchange.Purchase(card, 600, Noon).Outcome);
        Assert.Equal(-500, card.Purse.Balance);
        Assert.Equal(PurchaseOutcome.InsufficientBalance, exchange.Purchase(card, 1, Noon).Outcome);

        Assert.Equal(0x9000, Send(card, "00A4040009A00000000386980701"));
        Assert.Equal("FFFFFE0C9000", X(card.Transmit(H("805C000204"))));
        var load = Loader(EpAlgorithm.Des).Load(card, 1_000);
        Assert.Equal(LoadOutcome.Completed, load.Outcome);
        Assert.Equal(-500, load.Request!.BalanceBefore);
        Assert.Equal(500, card.Purse.Balance);
        Assert.Equal(500, card.History[1].OverdraftLimit);
    }

    [Fact]
    public void Purchase_DesCardWithSm4OnlyPsam_PsamKeyMissing()
    {
        var card = FundedCard(EpAlgorithm.Des);
        var psam = Cards.Psam.SoftPsam.Create(PosTerminal, [Demo(EpAlgorithm.Sm4)]);

        var result = new PurchaseExchange(psam).Purchase(card, 1, Noon);

        Assert.Equal(PurchaseOutcome.PsamKeyMissing, result.Outcome);
        Assert.Equal(0x9403, result.StatusWord);
        Assert.Equal(10_000, card.Purse.Balance);
    }

    [Fact]
    public void Purchase_CardOfAnotherIssuer_Mac1RejectedAndNothingDebited()
    {
        var foreignKeys = IssuerKeySet.Generate(EpAlgorithm.Des, DemoKeySet.KeyVersion, DemoKeySet.HomeCity);
        var card = new Cards.Issuance.CardIssuer(foreignKeys).Issue(Request());
        var load = new LoadExchange(new IssuerLoadAuthority(foreignKeys), LoadTerminal).Load(card, 1_000);
        Assert.Equal(LoadOutcome.Completed, load.Outcome);

        var result = new PurchaseExchange(NewPsam()).Purchase(card, 1, Noon);

        Assert.Equal(PurchaseOutcome.Mac1Rejected, result.Outcome);
        Assert.Equal(new PurseState(1_000, 0, 1, 0), card.Purse);
    }

    [Fact]
    public void Load_AuthorityOfAnotherIssuer_Mac1InvalidAndNothingCredited()
    {
        var card = NewCard();
        var foreign = new IssuerLoadAuthority(IssuerKeySet.Generate(EpAlgorithm.Des, DemoKeySet.KeyVersion, DemoKeySet.HomeCity));

        var result = new LoadExchange(foreign, LoadTerminal).Load(card, 1_000);

        Assert.Equal(LoadOutcome.Mac1Invalid, result.Outcome);
        Assert.Equal(new PurseState(0, 0, 0, 0), card.Purse);
    }

    [Fact]
    public void Load_Sm4CardAtDesAuthority_UnknownKey()
    {
        var result = Loader(EpAlgorithm.Des).Load(NewCard(EpAlgorithm.Sm4), 1_000);

        Assert.Equal(LoadOutcome.UnknownKey, result.Outcome);
    }

    [Fact]
    public void Load_BeyondTheLargestBalance_BalanceLimit()
    {
        var card = FundedCard(amount: int.MaxValue - 10);

        Assert.Equal(LoadOutcome.BalanceLimit, Loader(EpAlgorithm.Des).Load(card, 11).Outcome);
        Assert.Equal(LoadOutcome.Completed, Loader(EpAlgorithm.Des).Load(card, 10).Outcome);
        Assert.Equal(int.MaxValue, card.Purse.Balance);
        Assert.Equal(LoadOutcome.BalanceLimit, Loader(EpAlgorithm.Des).Load(card, uint.MaxValue).Outcome);
    }

    [Fact]
    public void Exchanges_NotACityCard_NotCityCard()
    {
        var psam = NewPsam();

        Assert.Equal(PurchaseOutcome.NotCityCard, new PurchaseExchange(psam).Purchase(psam, 1, Noon).Outcome);
        Assert.Equal(LoadOutcome.NotCityCard, Loader(EpAlgorithm.Des).Load(psam, 1).Outcome);
        Assert.Equal(ReadOutcome.NotCityCard, CardReader.Read(psam).Outcome);
    }
}
