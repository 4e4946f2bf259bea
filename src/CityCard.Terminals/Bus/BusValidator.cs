using CityCard.Cards.Apdu;
using CityCard.Cards.Application;
using CityCard.Cards.Transactions;
using CityCard.Records;
using CityCard.Security.Ep;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;
using CityCard.Terminals.Fares;
using CityCard.Terminals.Parameters;

namespace CityCard.Terminals.Bus;

/// <summary>
/// The on-board validator. Every fare is a composite purchase that writes the card's transit record (CAPP record 1 of
/// SFI 0x17) atomically with the debit, so the next bus knows the last boarding for transfers and an open entry for
/// distance fares. Flat lines charge at boarding; distance lines record the entry (amount 0) and charge by stops at exit;
/// an entry never closed is charged the line's maximum at the next entry. Transfer discount within the window on a
/// different line, then the card type's concession. A second tap within the repeat window is not charged.
/// </summary>
public sealed class BusValidator(PurchaseTerminal terminal)
{
    private static readonly TimeSpan OpenEntryLimit = TimeSpan.FromHours(4);

    /// <summary>The shared purchase steps.</summary>
    public PurchaseTerminal Terminal { get; } = terminal ?? throw new ArgumentNullException(nameof(terminal));

    /// <summary>Presents a card at this bus's validator at a stop.</summary>
    public TapResult Tap(IApduChannel card, ushort stop)
    {
        var info = Terminal.Admit(card, out var final);
        if (info is null)
        {
            return final!;
        }

        var core = Terminal.Core;
        var bus = core.Parameters.Bus;
        var now = ChinaTime.Now(core.Clock);
        var last = Terminal.LastRecordOf(info.Asn);
        if (last is not null && (now.Value - last.DateTime.Value).TotalSeconds < bus.RepeatTapSeconds && last.Line == core.Config.Line)
        {
            return new TapResult(TapOutcome.AlreadyPaid, $"Already paid {PurchaseTerminal.Yuan(last.AmountFen)} — have a good trip", last, last.BalanceAfterFen);
        }

        var state = ReadState(card);
        if (state is null)
        {
            return new TapResult(TapOutcome.PresentAgain, "Card not read — present it again");
        }

        var line = bus.DistanceLines.FirstOrDefault(l => l.Line == core.Config.Line);
        if (line is null)
        {
            return Board(card, info, state, stop, now, bus.FlatFareFen, exitStop: 0, TransitState.Finished);
        }

        var open = state.State == TransitState.Entered && state.When is { } entered && now.Value - entered.Value < OpenEntryLimit;
        if (open && state.Line == line.Line)
        {
            var stops = Math.Abs(stop - state.Stop);
            return Board(card, info, state, state.Stop, now, FareRules.DistanceFare(line, stops), stop, TransitState.Finished);
        }

        if (state.State == TransitState.Entered)
        {
            var charged = ChargeUnfinished(card, info, state, now);
            if (!charged.IsSuccess)
            {
                return charged;
            }

            state = state with { State = TransitState.Finished };
        }

        // Distance-line entry: nothing is charged yet, but the card's counter moves, so it is a record like any other.
        var entry = new TransitState(TransitState.Entered, line.Line, stop, now, 0, Terminal.Exchange.Terminal ?? default, state.Transfers);
        var context = new RecordContext { MerchantId = core.Config.OperatorId, Line = line.Line, Stop = stop, FullFareFen = 0 };
        var result = Terminal.Charge(card, info, 0, context, new CappRecordUpdate(TransitState.RecordNumber, entry.ToBytes()), now);
        return result.Outcome == TapOutcome.Completed
            ? result with { Outcome = TapOutcome.Entered, Message = $"Entry recorded at stop {stop} — tap again when you leave; balance {PurchaseTerminal.Yuan(result.BalanceAfterFen ?? 0)}" }
            : result;
    }

    private TapResult Board(IApduChannel card, CardPublicInfo info, TransitState previous, ushort stop, BcdDateTime now, long fareFen, ushort exitStop, byte newState)
    {
        var core = Terminal.Core;
        var bus = core.Parameters.Bus;
        var fare = fareFen;
        var discount = DiscountKind.None;
        var transfers = (byte)0;
        var transfer = previous.State == TransitState.Finished && previous.When is { } at && previous.Line != core.Config.Line
            && now.Value - at.Value <= TimeSpan.FromMinutes(bus.TransferWindowMinutes);
        if (transfer && fare > 0)
        {
            fare = Math.Max(0, fare - bus.TransferDiscountFen);
            discount = DiscountKind.Transfer;
            transfers = (byte)Math.Min(255, previous.Transfers + 1);
        }

        var full = fare;
        var payPercent = FareRules.ConcessionPayPercent(core.Parameters, CardNames.Of(info.CardType), TimeOnly.FromDateTime(now.Value));
        var expired = false;
        if (payPercent < 100)
        {
            switch (Terminal.ConcessionValid(card))
            {
                case null:
                    return new TapResult(TapOutcome.PresentAgain, "Card not read — present it again");
                case false:
                    // Annual verification (年审) past: the full fare until the concession is renewed at an outlet.
                    payPercent = 100;
                    expired = true;
                    break;
            }
        }

        if (payPercent < 100)
        {
            fare = FareRules.Percent(fare, payPercent);
            discount = DiscountKind.Concession;
        }

        var state = new TransitState(newState, core.Config.Line, exitStop == 0 ? stop : exitStop, now, checked((uint)fare), Terminal.Exchange.Terminal ?? default, transfers);
        var context = new RecordContext
        {
            MerchantId = core.Config.OperatorId,
            Line = core.Config.Line,
            Stop = stop,
            ExitStop = exitStop,
            FullFareFen = discount == DiscountKind.Transfer ? fareFen : full,
            Discount = discount,
        };
        var result = Terminal.Charge(card, info, fare, context, new CappRecordUpdate(TransitState.RecordNumber, state.ToBytes()), now);
        if (result.Outcome == TapOutcome.Completed && expired)
        {
            return result with { Message = $"{result.Message} ({CardNames.Of(info.CardType)} concession expired — renew it at a service outlet)" };
        }

        if (result.Outcome == TapOutcome.Completed && discount != DiscountKind.None)
        {
            var why = discount == DiscountKind.Transfer ? "transfer" : $"{CardNames.Of(info.CardType)} concession";
            return result with { Message = $"{result.Message} ({why})" };
        }

        return result;
    }

    private TapResult ChargeUnfinished(IApduChannel card, CardPublicInfo info, TransitState open, BcdDateTime now)
    {
        var core = Terminal.Core;
        var line = core.Parameters.Bus.DistanceLines.FirstOrDefault(l => l.Line == open.Line);
        var maximum = line?.MaxFareFen ?? core.Parameters.Bus.FlatFareFen;
        var closed = open with { State = TransitState.Finished, When = now, FareFen = checked((uint)maximum) };
        var context = new RecordContext
        {
            MerchantId = core.Config.OperatorId,
            Line = open.Line,
            Stop = open.Stop,
            FullFareFen = maximum,
            Discount = DiscountKind.UnfinishedTrip,
        };
        var result = Terminal.Charge(card, info, maximum, context, new CappRecordUpdate(TransitState.RecordNumber, closed.ToBytes()), now);
        return result.Outcome == TapOutcome.Completed
            ? result with { Message = $"Previous trip on line {open.Line} had no exit: charged the maximum {PurchaseTerminal.Yuan(maximum)}" }
            : result;
    }

    private static TransitState? ReadState(IApduChannel card)
    {
        if (!CardSession.TrySend(card, CardCommands.ReadRecord(CityCardApplication.CappSfi, TransitState.RecordNumber, CityCardApplication.CappRecordLength), out var response))
        {
            return null;
        }

        return response.IsSuccess ? TransitState.Parse(response.Data) : TransitState.Parse([]);
    }
}
