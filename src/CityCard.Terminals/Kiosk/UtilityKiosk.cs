using CityCard.Cards.Apdu;
using CityCard.Cards.Transactions;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;

namespace CityCard.Terminals.Kiosk;

/// <summary>
/// A utility-bill kiosk (公用事业缴费): looks up a household's unpaid water, electricity, gas and heating bills from the
/// centre and pays one by card purchase, with the utility company as the merchant, then prints a receipt.
/// </summary>
public sealed class UtilityKiosk(PurchaseTerminal terminal, IBillService bills)
{
    private static readonly string[] Utilities = ["water", "electricity", "gas", "heating"];

    /// <summary>The shared purchase steps.</summary>
    public PurchaseTerminal Terminal { get; } = terminal ?? throw new ArgumentNullException(nameof(terminal));

    /// <summary>Unpaid bills of a household.</summary>
    public IReadOnlyList<UtilityBill> Lookup(string household) => bills.Unpaid(household);

    /// <summary>Pays a household's bill by card.</summary>
    public TapResult Pay(IApduChannel card, string household, uint billId)
    {
        var bill = bills.Unpaid(household).FirstOrDefault(b => b.BillId == billId);
        if (bill is null)
        {
            return new TapResult(TapOutcome.Refused, $"No unpaid bill {billId} for household {household}");
        }

        var info = Terminal.Admit(card, out var final);
        if (info is null)
        {
            return final!;
        }

        var context = new RecordContext
        {
            MerchantId = bill.MerchantId,
            FullFareFen = bill.AmountFen,
            Extra1 = bill.BillId,
            Extra2 = (uint)(Array.IndexOf(Utilities, bill.Utility) + 1),
        };
        var result = Terminal.Charge(card, info, bill.AmountFen, context, null, ChinaTime.Now(Terminal.Core.Clock));
        if (result.Outcome != TapOutcome.Completed || result.Record is null)
        {
            return result;
        }

        bills.MarkPaid(bill.BillId, Terminal.Core.Config.DeviceId, result.Record.DeviceSequence);
        return result with { Message = $"{bill.Utility} bill {bill.Period} for household {household} paid: {result.Message}\n{Pos.MerchantPos.Receipt(result.Record, bill.MerchantId)}" };
    }
}
