using CityCard.Cards.Apdu;
using CityCard.Cards.Cos;
using CityCard.Records;
using CityCard.Simulation.World;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;

namespace CityCard.Simulation;

public sealed partial class CitySimulation
{
    private void Perform(SimEvent e, Dictionary<int, SoftCard> clones, Random random)
    {
        var card = cards[e.Card];
        if (card.Lost && e.Action is not SimAction.FinderShop)
        {
            return;
        }

        switch (e.Action)
        {
            case SimAction.TopUpIfLow:
                if (card.Card.Purse.Balance < e.A && !card.Card.IsBlocked)
                {
                    var amount = 5000 + ((card.Index % 4) * 5000);
                    if (e.B == 1 && Stream("online", (card.Index * 31) + e.Second).NextDouble() < preset.OnlineTopUpShare)
                    {
                        PayOnline(card, amount);
                    }
                    else
                    {
                        var outlet = outlets[(card.Index + e.Second) % outlets.Count];
                        Tap(outlet, card.Card, random, genuine: true, reader => outlet.Outlet!.Load(reader, amount));
                    }
                }

                break;
            case SimAction.ClaimCredits:
                if (card.PendingCreditFen > 0 && !card.Card.IsBlocked)
                {
                    Claim(card, random);
                }

                break;
            case SimAction.Bus:
            {
                var bus = buses[e.A][e.B];
                Tap(bus, card.Card, random, genuine: true, reader => bus.Bus!.Tap(reader, (ushort)e.C));
                break;
            }

            case SimAction.Shop:
            {
                var terminal = pos[e.A];
                Tap(terminal, card.Card, random, genuine: true, reader => terminal.Pos!.Sale(reader, e.B));
                break;
            }

            case SimAction.Canteen:
            {
                var terminal = canteens[e.A];
                Tap(terminal, card.Card, random, genuine: true, reader => terminal.Pos!.Sale(reader, e.B));
                break;
            }

            case SimAction.Taxi:
            {
                var terminal = taxis[e.A];
                var start = TimeOnly.FromDateTime(clock.Now.ToOffset(TimeSpan.FromHours(8)).DateTime).Add(TimeSpan.FromMinutes(-20));
                Tap(terminal, card.Card, random, genuine: true, reader => terminal.Taxi!.EndTrip(reader, e.B, e.C, start));
                break;
            }

            case SimAction.Bill:
            {
                var kiosk = kiosks[e.A];
                var household = Household(card.Community, card.Household);
                var unpaid = kiosk.Kiosk!.Lookup(household);
                if (unpaid.Count > 0 && unpaid[0] is var bill)
                {
                    Tap(kiosk, card.Card, random, genuine: true, reader => kiosk.Kiosk.Pay(reader, household, bill.BillId));
                }

                break;
            }

            case SimAction.DoorIn:
            case SimAction.DoorOut:
            {
                var door = doors[e.A];
                var result = door.Door!.Present(card.Card, e.Action == SimAction.DoorIn ? Terminals.Door.DoorReader.In : Terminals.Door.DoorReader.Out);
                if (result.Record is not null)
                {
                    Truth.AccessEvents++;
                }

                AfterTap(door, random);
                break;
            }

            case SimAction.CloneShop:
            {
                var terminal = pos[e.A];
                var clone = clones[e.Card];
                var result = terminal.Pos!.Sale(clone, e.B);
                if (result.Record is not null)
                {
                    Truth.CloneUses++;
                }

                AfterTap(terminal, random);
                break;
            }

            case SimAction.FinderShop:
            {
                var terminal = pos[e.A];
                var knew = terminal.Core.IsBlacklisted(card.Card.Asn);
                var result = terminal.Pos!.Sale(card.Card, e.B);
                if (result.Record is not null)
                {
                    Count(result, terminal, genuine: true);
                    Truth.LostCardUsesBeforeBlacklist++;
                }
                else if (knew || card.Card.IsBlocked)
                {
                    Truth.LostCardUsesRefused++;
                }

                AfterTap(terminal, random);
                break;
            }
        }
    }

    /// <summary>
    /// Presents a card, sometimes tearing the transaction (the holder presents it again at once), sometimes crashing the
    /// terminal in the middle of a journal write (it restarts and the holder presents the card again).
    /// </summary>
    private TapResult Tap(SimTerminal terminal, SoftCard card, Random random, bool genuine, Func<IApduChannel, TapResult> action)
    {
        TapResult result;
        if (random.NextDouble() < faults.TerminalCrashRate)
        {
            ArmCrash(terminal, random);
            try
            {
                result = action(card);
                terminal.Core.JournalWriteFault = null;
            }
            catch (Terminals.Journal.JournalException)
            {
                Restart(terminal);
                clock.Now = clock.Now.AddSeconds(30);
                result = action(card);
            }
        }
        else if (random.NextDouble() < faults.TornRate)
        {
            var tearing = new TearingReader(card);
            result = action(tearing);
            if (tearing.Tore && result.Outcome == TapOutcome.PresentAgain)
            {
                Truth.TornTransactions++;
                clock.Now = clock.Now.AddSeconds(2);
                result = action(card);
                if (result.Outcome == TapOutcome.Recovered)
                {
                    Truth.Recovered++;
                }
            }
        }
        else
        {
            result = action(card);
        }

        Count(result, terminal, genuine);
        AfterTap(terminal, random);
        return result;
    }

    /// <summary>The terminal will lose power while writing its second journal entry of the next transaction (the record, after the card debited).</summary>
    private static void ArmCrash(SimTerminal terminal, Random random)
    {
        var writes = 0;
        var share = random.NextDouble();
        terminal.Core.JournalWriteFault = (stream, bytes) =>
        {
            if (++writes == 2)
            {
                stream.Write(bytes, 0, (int)(bytes.Length * share));
                throw new IOException("simulated power loss during a journal write");
            }
        };
    }

    /// <summary>Restarts a crashed terminal: the journal's torn tail is cut off and every acknowledged record is still there.</summary>
    private void Restart(SimTerminal terminal)
    {
        var before = terminal.Core.AllRecords.Count;
        var deviceClock = terminal.Core.Clock;
        terminal.Core.Dispose();
        terminal.Core = TerminalCore.Open(terminal.Directory, deviceClock, durable: false);
        if (terminal.Core.AllRecords.Count != before)
        {
            throw new InvalidOperationException($"terminal {terminal.DeviceId}: {before} records before the crash, {terminal.Core.AllRecords.Count} after");
        }

        Rewire(terminal);
        Truth.TerminalCrashes++;
    }

    private void Count(TapResult result, SimTerminal terminal, bool genuine)
    {
        if (result.Record is { } record && result.Outcome is TapOutcome.Completed or TapOutcome.Entered or TapOutcome.Recovered)
        {
            if (genuine)
            {
                Truth.GenuineRecords++;
                Truth.GenuineFen += record.AmountFen;
            }

            if (record.IsPurchase)
            {
                RevenueByOperator[record.MerchantId] = RevenueByOperator.GetValueOrDefault(record.MerchantId) + record.AmountFen;
            }
        }
        else if (result.Outcome == TapOutcome.Refused)
        {
            Truth.Refusals++;
        }

    }

    private void AfterTap(SimTerminal terminal, Random random)
    {
        if (terminal.Core.BatchDue())
        {
            Close(terminal, random);
        }
    }

    private void Rewire(SimTerminal terminal)
    {
        if (terminal.Psam is not null)
        {
            terminal.Purchase = new PurchaseTerminal(terminal.Core, terminal.Psam, new MaintenanceKeyBlocker(desKeys));
        }

        terminal.Bus = terminal.Bus is null ? null : new Terminals.Bus.BusValidator(terminal.Purchase!);
        terminal.Pos = terminal.Pos is null ? null : new Terminals.Pos.MerchantPos(terminal.Purchase!);
        terminal.Taxi = terminal.Taxi is null ? null : new Terminals.Taxi.TaxiMeter(terminal.Purchase!);
        terminal.Kiosk = terminal.Kiosk is null ? null : new Terminals.Kiosk.UtilityKiosk(terminal.Purchase!, new Terminals.Kiosk.FileBillService(billsPath));
        terminal.Outlet = terminal.Outlet is null ? null : new Terminals.Outlet.TopUpOutlet(terminal.Core, terminal.LoadHost!, terminal.Psam!.Terminal);
        terminal.Door = terminal.Door is null ? null : new Terminals.Door.DoorReader(terminal.Core);
    }

    /// <summary>Closes a terminal's batch, sometimes slipping a forged record (valid file MAC, bad TAC) into it first.</summary>
    private void Close(SimTerminal terminal, Random random)
    {
        var open = terminal.Core.OpenRecords;
        if (open.Count > 0 && random.NextDouble() < faults.ForgedRecordRate)
        {
            var template = open[random.Next(open.Count)];
            if (template.Kind != RecordKind.Access)
            {
                terminal.Core.AppendCollected(template with
                {
                    AmountFen = template.AmountFen + 1 + random.Next(500),
                    Counter = unchecked((ushort)(template.Counter + 30_000)),
                    DeviceSequence = template.DeviceSequence + 1_000_000,
                });
                Truth.ForgedRecords++;
            }
        }

        if (terminal.Core.CloseBatch() is not null)
        {
            Truth.Batches++;
        }
    }

    /// <summary>
    /// The holder pays online: the payment gateway notifies the centre (sometimes twice), which credits the card's account
    /// as a pending credit; the card gets the value at its next outlet visit.
    /// </summary>
    private void PayOnline(SimCard card, long amountFen)
    {
        var paymentId = $"pay-{card.Card.Asn}-{clock.GetUtcNow().ToUnixTimeSeconds()}";
        var answer = topUps.Notify(paymentId, card.Card.Asn, amountFen);
        if (Stream("notify", card.Index + (int)(clock.GetUtcNow().ToUnixTimeSeconds() % 100_000)).NextDouble() < faults.DuplicatePaymentNotificationRate)
        {
            Truth.DuplicatePaymentNotifications++;
            var again = topUps.Notify(paymentId, card.Card.Asn, amountFen);
            if (again.PendingCreditId != answer.PendingCreditId)
            {
                throw new InvalidOperationException($"payment {paymentId} notified twice became two credits ({answer.PendingCreditId}, {again.PendingCreditId})");
            }
        }

        creditIds.Add(answer.PendingCreditId);
        card.PendingCreditFen += amountFen;
        Truth.OnlineTopUps++;
        Truth.OnlineTopUpFen += amountFen;
    }

    /// <summary>Writes the card's pending credits at an outlet: a load authorised by the centre as a claim, no cash taken.</summary>
    private void Claim(SimCard card, Random random)
    {
        var outlet = outlets[card.Index % outlets.Count];
        var host = outlet.LoadHost!;
        var before = card.Card.Purse.Balance;
        var amount = card.PendingCreditFen;
        host.ClaimCredits = true;
        TapResult result;
        try
        {
            result = Tap(outlet, card.Card, random, genuine: true, reader => outlet.Outlet!.Claim(reader, amount));
        }
        finally
        {
            host.ClaimCredits = false;
        }

        if (result.Outcome is TapOutcome.Completed or TapOutcome.Recovered)
        {
            if (card.Card.Purse.Balance != before + amount)
            {
                throw new InvalidOperationException($"card {card.Card.Asn}: claimed {amount} fen but its balance went from {before} to {card.Card.Purse.Balance}");
            }

            card.PendingCreditFen = 0;
            Truth.CreditsClaimed++;
            Truth.CreditsClaimedFen += amount;
        }
    }
}
