using CityCard.Cards.Application;
using CityCard.Records;
using CityCard.Terminals.Bus;
using CityCard.Terminals.Common;
using CityCard.Terminals.Outlet;
using CityCard.Cards.Cos;

namespace CityCard.Terminals.Tests;

public sealed class BusValidatorTests : IDisposable
{
    private readonly Rig rig = new();

    public void Dispose() => rig.Dispose();

    private BusValidator Bus(ushort line, uint deviceId = 11) =>
        new(Rig.Purchase(rig.Install($"bus{deviceId}", DeviceKind.BusValidator, deviceId, line), 0x000000110000 + deviceId));

    [Fact]
    public void FlatFare_ChargesAndJournalsWithVerifiableTac()
    {
        var bus = Bus(3);
        var card = rig.Card(1, 1000);
        var result = bus.Tap(card, 12);
        Assert.Equal(TapOutcome.Completed, result.Outcome);
        Assert.Equal(800, card.Purse.Balance);
        var record = Assert.Single(bus.Terminal.Core.OpenRecords);
        Assert.Equal(RecordKind.CappPurchase, record.Kind);
        Assert.Equal(200, record.AmountFen);
        Assert.Equal(1000, record.BalanceBeforeFen);
        Assert.Equal((ushort)3, record.Line);
        Assert.Equal((ushort)12, record.Stop);
        var tacKey = Rig.Keys.DeriveCardKeys(record.CityCode, record.Asn).TacKey;
        Assert.Equal(record.ComputeTac(tacKey), record.Tac);
    }

    [Fact]
    public void RepeatTapWithinWindow_IsNotChargedTwice_ButAfterIt_Is()
    {
        var bus = Bus(3);
        var card = rig.Card(2, 1000);
        bus.Tap(card, 1);
        rig.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(TapOutcome.AlreadyPaid, bus.Tap(card, 1).Outcome);
        Assert.Equal(800, card.Purse.Balance);
        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TapOutcome.Completed, bus.Tap(card, 1).Outcome);
        Assert.Equal(600, card.Purse.Balance);
    }

    [Theory]
    [InlineData(90, 100)]
    [InlineData(91, 200)]
    public void Transfer_WithinWindowOnAnotherLine_IsDiscounted(int minutes, long expectedFare)
    {
        var first = Bus(3, 11);
        var second = Bus(5, 12);
        var card = rig.Card(3, 1000);
        first.Tap(card, 1);
        rig.Clock.Advance(TimeSpan.FromMinutes(minutes));
        var result = second.Tap(card, 2);
        Assert.Equal(TapOutcome.Completed, result.Outcome);
        Assert.Equal(expectedFare, result.Record!.AmountFen);
        Assert.Equal(expectedFare == 100 ? DiscountKind.Transfer : DiscountKind.None, result.Record.Discount);
        Assert.Equal(200, result.Record.FullFareFen);
    }

    [Fact]
    public void StudentConcession_PaysHalf_FullFareRecordedForTheSubsidy()
    {
        var bus = Bus(3);
        var card = rig.Card(4, 1000, CardType.Student);
        var result = bus.Tap(card, 1);
        Assert.Equal(100, result.Record!.AmountFen);
        Assert.Equal(200, result.Record.FullFareFen);
        Assert.Equal(DiscountKind.Concession, result.Record.Discount);
    }

    [Fact]
    public void StudentConcessionExpired_PaysFullFare_UntilRenewedAtTheOutlet()
    {
        var bus = Bus(3);
        var card = rig.Card(14, 1000, CardType.Student, concessionUntil: new DateOnly(2026, 9, 30));

        var expired = bus.Tap(card, 1);
        Assert.Equal((200L, 200L, DiscountKind.None), (expired.Record!.AmountFen, expired.Record.FullFareFen, expired.Record.Discount));
        Assert.Contains("concession expired", expired.Message, StringComparison.Ordinal);

        var renewed = TopUpOutlet.Rewrite(card, card.Asn, Rig.Keys, null, new ConcessionData { ValidUntil = new DateOnly(2027, 11, 24), VerifiedOn = new DateOnly(2026, 11, 25) });
        Assert.Equal(TapOutcome.Completed, renewed.Outcome);
        rig.Clock.Advance(TimeSpan.FromMinutes(5));
        var concession = bus.Tap(card, 1);
        Assert.Equal((100L, 200L, DiscountKind.Concession), (concession.Record!.AmountFen, concession.Record.FullFareFen, concession.Record.Discount));

        // The last valid day still counts; the day after it does not.
        rig.Clock.Now = new DateTimeOffset(2027, 11, 24, 10, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(100, bus.Tap(card, 1).Record!.AmountFen);
        rig.Clock.Now = new DateTimeOffset(2027, 11, 25, 10, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(200, bus.Tap(card, 1).Record!.AmountFen);
    }

    [Fact]
    public void ProductChange_CardTypeRewrittenToOrdinary_PaysFullFareAndTheImageKeepsIt()
    {
        var bus = Bus(3);
        var card = rig.Card(15, 1000, CardType.Student, concessionUntil: new DateOnly(2027, 6, 30));

        var changed = TopUpOutlet.Rewrite(card, card.Asn, Rig.Keys, CardType.Ordinary, ConcessionData.None);
        var again = SoftCard.FromImage(card.ToImage());

        Assert.Equal(TapOutcome.Completed, changed.Outcome);
        Assert.Equal(CardType.Ordinary, again.PublicInfo.CardType);
        Assert.Equal(ConcessionData.None, again.Concession);
        var fare = bus.Tap(again, 1);
        Assert.Equal((200L, DiscountKind.None), (fare.Record!.AmountFen, fare.Record.Discount));
        Assert.Equal(TapOutcome.Refused, TopUpOutlet.Rewrite(again, rig.Card(16, 0).Asn, Rig.Keys, CardType.Student, ConcessionData.None).Outcome);
    }

    [Fact]
    public void ElderOffPeak_RidesFree_AtPeak_PaysFull()
    {
        var bus = Bus(3);
        var card = rig.Card(5, 1000, CardType.Elder);
        Assert.Equal(0, bus.Tap(card, 1).Record!.AmountFen);
        rig.Clock.Now = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(200, bus.Tap(card, 1).Record!.AmountFen);
    }

    [Fact]
    public void DistanceLine_EntryThenExit_ChargesByStops()
    {
        var bus = Bus(9);
        var card = rig.Card(6, 1000);
        var entry = bus.Tap(card, 2);
        Assert.Equal(TapOutcome.Entered, entry.Outcome);
        Assert.Equal(0, entry.Record!.AmountFen);
        rig.Clock.Advance(TimeSpan.FromMinutes(20));
        var exit = bus.Tap(card, 10);
        Assert.Equal(TapOutcome.Completed, exit.Outcome);
        Assert.Equal(160, exit.Record!.AmountFen);
        Assert.Equal((ushort)2, exit.Record.Stop);
        Assert.Equal((ushort)10, exit.Record.ExitStop);
        Assert.Equal(840, card.Purse.Balance);
    }

    [Fact]
    public void DistanceLine_EntryWithoutExit_ChargedMaximumAtNextEntry()
    {
        var bus = Bus(9);
        var other = Bus(9, 13);
        var card = rig.Card(7, 1000);
        bus.Tap(card, 2);
        rig.Clock.Advance(TimeSpan.FromHours(5));
        var next = other.Tap(card, 4);
        Assert.Equal(TapOutcome.Entered, next.Outcome);
        var unfinished = other.Terminal.Core.OpenRecords[0];
        Assert.Equal(DiscountKind.UnfinishedTrip, unfinished.Discount);
        Assert.Equal(400, unfinished.AmountFen);
        Assert.Equal(600, card.Purse.Balance);
    }

    [Fact]
    public void InsufficientBalance_IsRefused_ZeroBalanceToo()
    {
        var bus = Bus(3);
        var poor = rig.Card(8, 199);
        var refused = bus.Tap(poor, 1);
        Assert.Equal(TapOutcome.Refused, refused.Outcome);
        Assert.Contains("Insufficient balance", refused.Message, StringComparison.Ordinal);
        Assert.Equal(199, poor.Purse.Balance);
        Assert.Equal(TapOutcome.Refused, bus.Tap(rig.Card(9, 0), 1).Outcome);
        Assert.Empty(bus.Terminal.Core.OpenRecords);
    }

    [Fact]
    public void Overdraft_AllowsExactlyTheLimit()
    {
        var bus = Bus(3);
        var card = rig.Card(10, 100, overdraftFen: 100);
        Assert.Equal(TapOutcome.Completed, bus.Tap(card, 1).Outcome);
        Assert.Equal(-100, card.Purse.Balance);
        rig.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(TapOutcome.Refused, bus.Tap(card, 1).Outcome);
    }

    [Fact]
    public void BlacklistedCard_IsBlockedAndRefused()
    {
        var card = rig.Card(11, 1000);
        var parameters = Rig.DefaultParameters() with { Blacklist = [card.Asn.ToString()], BlacklistVersion = 2 };
        var bus = new BusValidator(Rig.Purchase(rig.Install("busbl", DeviceKind.BusValidator, 20, 3, parameters: parameters), 0x20));
        var result = bus.Tap(card, 1);
        Assert.Equal(TapOutcome.Refused, result.Outcome);
        Assert.True(card.IsBlocked);
        Assert.Equal(1000, card.Purse.Balance);
        // Even a terminal without the blacklist now refuses: the card itself is blocked.
        Assert.Equal(TapOutcome.Refused, Bus(3, 21).Tap(card, 1).Outcome);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void TornTap_AtEveryStep_RecoversWithoutDoubleCharge(int commandsBeforeLoss)
    {
        var bus = Bus(3);
        var card = rig.Card(12, 1000);
        var reader = new FlakyReader(card);
        reader.LoseAfter(commandsBeforeLoss, cardExecutesLast: true);
        var torn = bus.Tap(reader, 1);
        Assert.Equal(TapOutcome.PresentAgain, torn.Outcome);
        reader.Heal();
        var again = bus.Tap(reader, 1);
        Assert.True(again.IsSuccess, again.Message);
        Assert.Equal(800, card.Purse.Balance);
        var record = Assert.Single(bus.Terminal.Core.OpenRecords, r => r.AmountFen > 0);
        Assert.Equal(1000, record.BalanceBeforeFen);
        Assert.Empty(bus.Terminal.Core.Pending);
    }
}
