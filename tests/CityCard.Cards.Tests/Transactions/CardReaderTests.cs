using CityCard.Cards.Application;
using CityCard.Cards.Tests.Support;
using CityCard.Cards.Transactions;
using CityCard.Security.Ep;
using static CityCard.Cards.Tests.Support.T;

namespace CityCard.Cards.Tests.Transactions;

/// <summary>The generic reader flow (SELECT → 805C000204 → READ BINARY SFI 15 → READ RECORD SFI 18) decodes what the card did.</summary>
public sealed class CardReaderTests
{
    [Theory]
    [InlineData(EpAlgorithm.Des)]
    [InlineData(EpAlgorithm.Sm4)]
    public void Read_AfterLoadsAndPurchases_DecodesNumberCityValidityBalanceAndHistory(EpAlgorithm algorithm)
    {
        var card = NewCard(algorithm);
        var exchange = new PurchaseExchange(NewPsam());
        Assert.True(Loader(algorithm).Load(card, 2_000).IsCompleted);
        Assert.True(exchange.Purchase(card, 150, BcdDateTime.Parse("20250316073000", "when")).IsCompleted);
        Assert.True(exchange.CappPurchase(card, 200, BcdDateTime.Parse("20250316081500", "when"), new CappRecordUpdate(1, CappData(1))).IsCompleted);
        Assert.True(Loader(algorithm).Load(card, 500).IsCompleted);
        Assert.True(exchange.Purchase(card, 75, BcdDateTime.Parse("20250317190102", "when")).IsCompleted);
        var line = new RecordingChannel(card);

        var reading = CardReader.Read(line);

        Assert.Equal(["00A4040009A00000000386980701", "805C000204", "00B095001E", "00B201C417", "00B202C417", "00B203C417", "00B204C417", "00B205C417", "00B206C417"], line.Commands);
        Assert.Equal(ReadOutcome.Read, reading.Outcome);
        var info = reading.PublicInfo!;
        Assert.Equal((card.Asn, "2144", new DateOnly(2025, 1, 1), new DateOnly(2034, 12, 31), CardType.Ordinary), (info.Asn, info.City.ToString(), info.ValidFrom, info.ValidUntil, info.CardType));
        Assert.Equal(2_075, reading.Balance);
        Assert.Equal(
            [(TransactionType.Purchase, 75u, (ushort)2), (TransactionType.Load, 500u, (ushort)1), (TransactionType.CappPurchase, 200u, (ushort)1), (TransactionType.Purchase, 150u, (ushort)0), (TransactionType.Load, 2_000u, (ushort)0)],
            reading.History.Select(r => (r.Type, r.Amount, r.Counter)));
        Assert.Equal("20250317190102", reading.History[0].DateTime.ToString());
        Assert.Equal(PosTerminal, reading.History[0].Terminal);
        Assert.Equal(LoadTerminal, reading.History[1].Terminal);
        Assert.Equal((long?)reading.Balance, reading.History.Sum(r => r.BalanceEffect));
        Assert.Equal(card.History, reading.History);
    }

    [Fact]
    public void Read_MoreTransactionsThanRecords_KeepsTheNewestTenCyclically()
    {
        var card = FundedCard(amount: 1_000);
        var exchange = new PurchaseExchange(NewPsam());
        for (uint amount = 1; amount <= 12; amount++)
        {
            Assert.True(exchange.Purchase(card, amount, Noon).IsCompleted);
        }

        var reading = CardReader.Read(card, maxHistoryRecords: 20);

        Assert.Equal(Enumerable.Range(3, 10).Reverse().Select(a => (uint)a), reading.History.Select(r => r.Amount));
        Assert.Equal(0x6A83, Send(card, "00B20BC417"));
        Assert.Equal(1_000 - 78, reading.Balance);
    }
}
