using System.Globalization;
using System.Text;
using CityCard.Cards.Apdu;
using CityCard.Cards.Transactions;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;
using CityCard.Terminals.Fares;

namespace CityCard.Terminals.Pos;

/// <summary>
/// A merchant's point of sale (shops, restaurants; a campus canteen is the POS of a campus merchant): the clerk enters
/// the price, the merchant's discount rules apply, the card pays with a simple purchase, and a receipt is printed.
/// </summary>
public sealed class MerchantPos(PurchaseTerminal terminal)
{
    /// <summary>The shared purchase steps.</summary>
    public PurchaseTerminal Terminal { get; } = terminal ?? throw new ArgumentNullException(nameof(terminal));

    /// <summary>Charges a sale of <paramref name="priceFen"/> before discounts.</summary>
    public TapResult Sale(IApduChannel card, long priceFen)
    {
        if (priceFen is <= 0 or > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(priceFen), priceFen, "a sale is 1 fen or more and fits the card's 4-byte amount");
        }

        var info = Terminal.Admit(card, out var final);
        if (info is null)
        {
            return final!;
        }

        var core = Terminal.Core;
        var now = ChinaTime.Now(core.Clock);
        var time = TimeOnly.FromDateTime(now.Value);
        var (charged, discount) = FareRules.MerchantPrice(core.Parameters, core.Config.OperatorId, CardNames.Of(info.CardType), time, priceFen);
        var ordinary = FareRules.MerchantPrice(core.Parameters, core.Config.OperatorId, CardNames.Of(Cards.Application.CardType.Ordinary), time, priceFen);
        if (charged != ordinary.ChargedFen)
        {
            // A price for the card's type (student, elder…) holds only while its concession is verified (EF 0019).
            switch (Terminal.ConcessionValid(card))
            {
                case null:
                    return new TapResult(TapOutcome.PresentAgain, "Card not read — present it again");
                case false:
                    (charged, discount) = ordinary;
                    break;
            }
        }

        var context = new RecordContext { MerchantId = core.Config.OperatorId, FullFareFen = priceFen, Discount = discount };
        var result = Terminal.Charge(card, info, charged, context, null, now);
        return result.Record is null ? result : result with { Message = $"{result.Message}\n{Receipt(result.Record, core.Config.OperatorId)}" };
    }

    /// <summary>A receipt in the usual printed layout.</summary>
    public static string Receipt(Records.TransactionRecord record, uint merchantId)
    {
        ArgumentNullException.ThrowIfNull(record);
        var text = new StringBuilder();
        text.AppendLine("------------ CityCard receipt ------------");
        text.AppendLine(CultureInfo.InvariantCulture, $"Merchant   {merchantId}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Terminal   {record.Terminal}   TTSN {record.Ttsn:D8}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Card       {record.Asn}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Time       {record.DateTime.Value:yyyy-MM-dd HH:mm:ss}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Price      {PurchaseTerminal.Yuan(record.FullFareFen)}");
        if (record.FullFareFen != record.AmountFen)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Discount   -{PurchaseTerminal.Yuan(record.FullFareFen - record.AmountFen)}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Paid       {PurchaseTerminal.Yuan(record.AmountFen)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Balance    {PurchaseTerminal.Yuan(record.BalanceAfterFen)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"TAC        {record.Tac:X8}");
        text.Append("------------------------------------------");
        return text.ToString();
    }

    /// <summary>End-of-day totals of a local calendar day: sales, gross, discounts, net.</summary>
    public DayTotals Totals(DateOnly day) => Totals(Terminal.Core, day);

    /// <summary>A day's totals from a POS terminal's journal alone (no PSAM needed).</summary>
    public static DayTotals Totals(TerminalCore core, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(core);
        var sales = core.AllRecords.Where(r => r.IsPurchase && DateOnly.FromDateTime(r.DateTime.Value) == day).ToList();
        return new DayTotals(day, sales.Count, sales.Sum(r => r.FullFareFen), sales.Sum(r => r.FullFareFen - r.AmountFen), sales.Sum(r => r.AmountFen));
    }
}
