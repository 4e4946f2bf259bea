using CityCard.Cards.Application;
using CityCard.Cards.Issuance;
using CityCard.Cards.Transactions;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Terminals.Common;
using CityCard.Terminals.Door;
using CityCard.Terminals.Kiosk;
using CityCard.Terminals.Outlet;
using CityCard.Terminals.Parameters;
using CityCard.Terminals.Pos;
using CityCard.Terminals.Taxi;

namespace CityCard.Terminals.Tests;

public sealed class OtherTerminalTests : IDisposable
{
    private readonly Rig rig = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.FromHours(8)));

    public void Dispose() => rig.Dispose();

    [Fact]
    public void Pos_AppliesMerchantDiscount_PrintsReceipt_AndTotals()
    {
        var pos = new MerchantPos(Rig.Purchase(rig.Install("pos", DeviceKind.MerchantPos, 41, operatorId: 500), 0x41));
        var card = rig.Card(200, 5000);
        var result = pos.Sale(card, 1000);
        Assert.Equal(TapOutcome.Completed, result.Outcome);
        Assert.Equal(900, result.Record!.AmountFen);
        Assert.Equal(DiscountKind.MerchantDiscount, result.Record.Discount);
        Assert.Contains("Discount   -¥1.00", result.Message, StringComparison.Ordinal);
        Assert.Contains("Balance    ¥41.00", result.Message, StringComparison.Ordinal);
        var totals = pos.Totals(new DateOnly(2026, 11, 25));
        Assert.Equal(new DayTotals(new DateOnly(2026, 11, 25), 1, 1000, 100, 900), totals);
    }

    [Fact]
    public void Taxi_MeterFare_ThenCollectorGathersMetersIntoItsOwnBatch()
    {
        using (var meterA = rig.Install("meterA", DeviceKind.TaxiMeter, 51, line: 1001, operatorId: 7))
        using (var meterB = rig.Install("meterB", DeviceKind.TaxiMeter, 52, line: 1002, operatorId: 7))
        {
            var a = new TaxiMeter(Rig.Purchase(meterA, 0x51)).EndTrip(rig.Card(300, 5000), 3001, 61, new TimeOnly(12, 0));
            Assert.Equal(710, a.Record!.AmountFen);
            Assert.Equal(3001u, a.Record.Extra1);
            new TaxiMeter(Rig.Purchase(meterB, 0x52)).EndTrip(rig.Card(301, 5000), 1000, 0, new TimeOnly(23, 0));
        }

        using var collector = rig.Install("collector", DeviceKind.TaxiCollector, 50, operatorId: 7);
        var company = new TaxiCollector(collector);
        Assert.Equal(2, company.Collect([Path.Combine(rig.Folder, "meterA"), Path.Combine(rig.Folder, "meterB")]));
        Assert.Equal(0, company.Collect([Path.Combine(rig.Folder, "meterA")]));
        var batch = BatchCodec.Read(File.ReadAllBytes(collector.CloseBatch()!), UploadKeys.Derive(Rig.Keys, 50));
        Assert.Equal(DeviceKind.TaxiCollector, batch.Header.DeviceKind);
        Assert.Equal([new TerminalId(0x51), new TerminalId(0x52)], batch.Records.Select(r => r.Terminal));
        Assert.Equal(600, batch.Records[1].AmountFen);
        foreach (var record in batch.Records)
        {
            Assert.Equal(record.ComputeTac(Rig.Keys.DeriveCardKeys(record.CityCode, record.Asn).TacKey), record.Tac);
        }
    }

    [Fact]
    public void Outlet_LoadsOnline_TacVerifies_CashTallied()
    {
        using var core = rig.Install("outlet", DeviceKind.TopUpOutlet, 61);
        var outlet = new TopUpOutlet(core, new IssuerLoadAuthority(Rig.Keys, rig.Clock), new TerminalId(0x610000000001));
        var card = rig.Card(400, 0);
        var result = outlet.Load(card, 5000);
        Assert.Equal(TapOutcome.Completed, result.Outcome);
        Assert.Equal(5000, card.Purse.Balance);
        var record = result.Record!;
        Assert.Equal(RecordKind.Load, record.Kind);
        Assert.Equal(record.ComputeTac(Rig.Keys.DeriveCardKeys(record.CityCode, record.Asn).TacKey), record.Tac);
        var report = outlet.Report();
        Assert.Equal(1, report.Loads);
        Assert.Equal(5000, report.CashFen);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Outlet_TornLoad_IsLoadedExactlyOnce(int commandsBeforeLoss)
    {
        using var core = rig.Install("outlet", DeviceKind.TopUpOutlet, 62);
        var outlet = new TopUpOutlet(core, new IssuerLoadAuthority(Rig.Keys, rig.Clock), new TerminalId(0x620000000001));
        var card = rig.Card(401, 0);
        var reader = new FlakyReader(card);
        reader.LoseAfter(commandsBeforeLoss, cardExecutesLast: true);
        Assert.Equal(TapOutcome.PresentAgain, outlet.Load(reader, 3000).Outcome);
        reader.Heal();
        var again = outlet.Load(reader, 3000);
        Assert.True(again.IsSuccess, again.Message);
        Assert.Equal(3000, card.Purse.Balance);
        Assert.Single(core.AllRecords);
        Assert.Empty(core.Pending);
    }

    [Fact]
    public void Outlet_SellsCardWithDeposit()
    {
        using var core = rig.Install("outlet", DeviceKind.TopUpOutlet, 63);
        var outlet = new TopUpOutlet(core, new IssuerLoadAuthority(Rig.Keys, rig.Clock), new TerminalId(0x630000000001));
        var card = outlet.SellCard(new CardIssuer(Rig.Keys), new CardIssueRequest
        {
            Asn = AsnNumbering.Create(DemoKeySet.HomeCity, 999), ValidFrom = new DateOnly(2026, 11, 25), ValidUntil = new DateOnly(2031, 11, 24),
        }, 2000);
        Assert.Equal(0, card.Purse.Balance);
        Assert.Equal(2000, outlet.Report().CashByReasonFen["deposit"]);
    }

    [Fact]
    public void Kiosk_PaysABillByCard_AndMarksItPaid()
    {
        var billsPath = Path.Combine(rig.Folder, "bills.json");
        File.WriteAllText(billsPath, """[{"billId":77,"household":"H-109-0001","utility":"water","merchantId":900,"period":"2026-10","amountFen":4560}]""");
        var kiosk = new UtilityKiosk(Rig.Purchase(rig.Install("kiosk", DeviceKind.UtilityKiosk, 71), 0x71), new FileBillService(billsPath));
        var bill = Assert.Single(kiosk.Lookup("H-109-0001"));
        var card = rig.Card(500, 10000);
        var result = kiosk.Pay(card, "H-109-0001", bill.BillId);
        Assert.Equal(TapOutcome.Completed, result.Outcome);
        Assert.Equal(900u, result.Record!.MerchantId);
        Assert.Equal(77u, result.Record.Extra1);
        Assert.Empty(kiosk.Lookup("H-109-0001"));
        Assert.Equal(TapOutcome.Refused, kiosk.Pay(card, "H-109-0001", 77).Outcome);
    }

    // Kiosks keep the parsed bill list in memory; a payment by another kiosk on the same file, and a new export written
    // over the file, are both seen.
    [Fact]
    public void BillFile_PaymentByAnotherService_AndANewExport_AreSeen()
    {
        var billsPath = Path.Combine(rig.Folder, "shared-bills.json");
        File.WriteAllText(billsPath, """[{"billId":1,"household":"H-1","utility":"water","merchantId":900,"period":"2026-10","amountFen":100},{"billId":2,"household":"H-1","utility":"gas","merchantId":901,"period":"2026-10","amountFen":200}]""");
        var first = new FileBillService(billsPath);
        var second = new FileBillService(billsPath);
        Assert.Equal(2, second.Unpaid("H-1").Count);

        first.MarkPaid(1, 71, 1);
        Assert.Equal([2u], second.Unpaid("H-1").Select(b => b.BillId));
        Assert.Contains("\"paid\": true", File.ReadAllText(billsPath), StringComparison.Ordinal);

        File.WriteAllText(billsPath, """[{"billId":3,"household":"H-1","utility":"heating","merchantId":902,"period":"2026-11","amountFen":12345}]""");
        Assert.Equal([3u], first.Unpaid("H-1").Select(b => b.BillId));
    }

    [Fact]
    public void Door_AllowsListedCardType_RecordsEveryEvent_NoMoneyMoves()
    {
        using var core = rig.Install("door", DeviceKind.DoorReader, 81, line: 7, operatorId: 300);
        var door = new DoorReader(core);
        var staff = rig.Card(600, 100, CardType.Staff);
        var visitor = rig.Card(601, 100);
        Assert.Equal(TapOutcome.Recorded, door.Present(staff, DoorReader.In).Outcome);
        var denied = door.Present(visitor, DoorReader.In);
        Assert.Equal(TapOutcome.Refused, denied.Outcome);
        Assert.Equal(2, core.AllRecords.Count);
        Assert.All(core.AllRecords, r => Assert.Equal(RecordKind.Access, r.Kind));
        Assert.True(core.AllRecords[0].Marks.HasFlag(RecordMarks.AccessAllowed));
        Assert.False(core.AllRecords[1].Marks.HasFlag(RecordMarks.AccessAllowed));
        Assert.Equal(100, staff.Purse.Balance);
        var batch = BatchCodec.Read(File.ReadAllBytes(core.CloseBatch()!), UploadKeys.Derive(Rig.Keys, 81));
        Assert.Equal(2, batch.Records.Count);
    }

    [Fact]
    public void TornPosSale_RecoveredAfterRestart()
    {
        var directory = Path.Combine(rig.Folder, "pos");
        var card = rig.Card(700, 5000);
        var reader = new FlakyReader(card);
        var psam = Rig.Psam(0x91);
        using (var core = rig.Install("pos", DeviceKind.MerchantPos, 91, operatorId: 1))
        {
            reader.LoseAfter(6, cardExecutesLast: true);
            Assert.Equal(TapOutcome.PresentAgain, new MerchantPos(new PurchaseTerminal(core, psam, null)).Sale(reader, 1234).Outcome);
        }

        reader.Heal();
        using var reopened = Terminals.Core.TerminalCore.Open(directory, rig.Clock);
        Assert.Single(reopened.Pending);
        var result = new MerchantPos(new PurchaseTerminal(reopened, psam, null)).Sale(reader, 1234);
        Assert.Equal(TapOutcome.Recovered, result.Outcome);
        Assert.Equal(5000 - 1234, card.Purse.Balance);
        Assert.True(result.Record!.Marks.HasFlag(RecordMarks.RecoveredByProve));
    }
}
