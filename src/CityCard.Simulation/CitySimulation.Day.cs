using System.Globalization;
using CityCard.Cards.Application;
using CityCard.Cards.Apdu;
using CityCard.Cards.Cos;
using CityCard.Cards.Chip;
using CityCard.Clearing.Settlement;
using CityCard.Records;
using CityCard.Security.Ep;
using CityCard.Simulation.World;
using CityCard.Terminals.Common;
using CityCard.Terminals.Parameters;

namespace CityCard.Simulation;

public sealed partial class CitySimulation
{
    /// <summary>Simulates one day: people, terminals, batches and uploads, then clearing and settlement. Returns the day's figures.</summary>
    public DayReport RunDay(int dayIndex, IProgress<(string Stage, double Fraction)>? progress = null)
    {
        var day = FirstDay.AddDays(dayIndex);
        var events = new List<SimEvent>();
        var clones = new Dictionary<int, SoftCard>();
        var finderCards = new HashSet<int>();
        PlanDay(dayIndex, events, clones, finderCards);
        events.Sort((a, b) => a.Second != b.Second ? a.Second.CompareTo(b.Second) : a.Order.CompareTo(b.Order));
        var random = Stream("faults", dayIndex);
        var lossDone = false;
        var replacementsDone = false;
        var sold = 0;
        var salesDue = SalesSchedule(dayIndex);
        var taps = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            SetTime(day, e.Second);
            if (!lossDone && e.Second >= 11 * 3600)
            {
                ReportLosses(dayIndex, finderCards);
                lossDone = true;
            }

            if (!replacementsDone && e.Second >= 12 * 3600)
            {
                ReplaceLostCards(dayIndex, random);
                replacementsDone = true;
            }

            while (sold < salesDue.Count && salesDue[sold] <= e.Second)
            {
                SellNewCard(random);
                sold++;
            }

            InstallPendingParameters(e.Second);
            Perform(e, clones, random);
            if (i % 2000 == 0)
            {
                progress?.Report(("day", (double)i / events.Count));
            }
        }

        SetTime(day, 22 * 3600);
        InstallPendingParameters(int.MaxValue);
        var tapsElapsed = taps.Elapsed;
        var clearingWatch = System.Diagnostics.Stopwatch.StartNew();
        progress?.Report(("upload", 1.0));
        var before = CentreTotals;
        UploadAll(random);
        // A day is settled once it has ended: half an hour after midnight, the simulated centre's cut-off (the default,
        // 00:00 China Standard Time).
        SetTime(day, 24 * 3600 + 30 * 60);
        var (report, _) = settlement.Settle(day);
        if (report.Reconciled)
        {
            // A refused settlement stored nothing, so there is no file (the check "settlement reconciles" names why).
            var folder = Path.Combine(output, "settlement");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, SettlementCsv.FileName(day)), SettlementCsv.Format(report));
        }
        var audit = store.Read(r => r.Audit());
        return new DayReport(day, events.Count, CentreTotals with
        {
            Accepted = CentreTotals.Accepted - before.Accepted,
            AcceptedFen = CentreTotals.AcceptedFen - before.AcceptedFen,
            Duplicate = CentreTotals.Duplicate - before.Duplicate,
            DuplicateFen = CentreTotals.DuplicateFen - before.DuplicateFen,
            Rejected = CentreTotals.Rejected - before.Rejected,
            RejectedFen = CentreTotals.RejectedFen - before.RejectedFen,
            Suspect = CentreTotals.Suspect - before.Suspect,
            SuspectFen = CentreTotals.SuspectFen - before.SuspectFen,
        }, report, audit, tapsElapsed, clearingWatch.Elapsed);
    }

    private void SetTime(DateOnly day, int second) =>
        clock.Now = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).AddSeconds(second);

    private void PlanDay(int dayIndex, List<SimEvent> events, Dictionary<int, SoftCard> clones, HashSet<int> finderCards)
    {
        var order = 0;
        void Add(int second, int card, SimAction action, int a = 0, int b = 0, int c = 0) =>
            events.Add(new SimEvent(Math.Clamp(second, 5 * 3600, 21 * 3600 + 59 * 60), order++, card, action, a, b, c));

        foreach (var card in cards)
        {
            var r = Stream($"day{dayIndex}", card.Index);
            if (card.PendingCreditFen > 0 && !card.Lost)
            {
                // Paid online (or recovered from a lost card) yesterday: the holder passes an outlet in the morning.
                Add((7 * 3600) + r.Next(2 * 3600), card.Index, SimAction.ClaimCredits);
            }

            if (card.Lost || r.NextDouble() > preset.ActiveShare)
            {
                continue;
            }

            Add(6 * 3600, card.Index, SimAction.TopUpIfLow, 400);
            var elder = card.Type == CardType.Elder;
            var morning = elder ? (9 * 3600) + r.Next(90 * 60) : (6 * 3600) + (30 * 60) + r.Next(135 * 60);
            var evening = elder ? (14 * 3600) + r.Next(120 * 60) : (16 * 3600) + (30 * 60) + r.Next(150 * 60);
            var arrive = Trip(card, r, morning, card.HomeRoute, card.HomeStop, card.WorkRoute, card.WorkStop, Add);
            if (card.Type is CardType.Student or CardType.Staff)
            {
                Add(arrive + 300, card.Index, SimAction.DoorIn, card.Place);
                Add(evening - 300, card.Index, SimAction.DoorOut, card.Place);
            }

            if (card.Type == CardType.Student)
            {
                Add((11 * 3600) + (30 * 60) + r.Next(3600), card.Index, SimAction.Canteen, card.Place, 600 + r.Next(900));
            }

            Trip(card, r, evening, card.WorkRoute, card.WorkStop, card.HomeRoute, card.HomeStop, Add);
            if (r.NextDouble() < preset.TripsPerRider - 2)
            {
                var route = r.Next(preset.BusRoutes);
                Trip(card, r, (12 * 3600) + r.Next(4 * 3600), route, r.Next(preset.StopsPerRoute), route, r.Next(preset.StopsPerRoute), Add);
            }

            var shops = (int)preset.ShopsPerCard + (r.NextDouble() < preset.ShopsPerCard % 1 ? 1 : 0);
            for (var s = 0; s < shops; s++)
            {
                var merchant = r.Next(preset.Merchants);
                Add((10 * 3600) + r.Next(11 * 3600), card.Index, SimAction.Shop, merchant, Price(merchant, r));
            }

            if (r.NextDouble() < preset.TaxiShare)
            {
                Add((8 * 3600) + r.Next(13 * 3600), card.Index, SimAction.Taxi, r.Next(preset.Taxis), 1000 + r.Next(14000), r.Next(300));
            }

            if (r.NextDouble() < preset.BillShare)
            {
                Add((9 * 3600) + r.Next(9 * 3600), card.Index, SimAction.Bill, r.Next(preset.Kiosks));
            }

            Add((19 * 3600) + r.Next(2 * 3600), card.Index, SimAction.TopUpIfLow, (int)preset.TopUpBelowFen, 1);
            if (r.NextDouble() < faults.ClonedCardRate)
            {
                var clone = SoftCard.FromImage(card.Card.ToImage(), new SoftCardOptions { Random = new SeededRandomSource(unchecked((seed * 977) + card.Index + dayIndex)) });
                clones[card.Index] = clone;
                ClonedCards.Add(card.Card.Asn);
                Truth.ClonedCards++;
                for (var u = 0; u < 2; u++)
                {
                    var merchant = r.Next(preset.Merchants);
                    Add((10 * 3600) + r.Next(10 * 3600), card.Index, SimAction.CloneShop, merchant, 300 + r.Next(3000));
                }
            }
        }

        // Finders of today's lost cards (chosen in PlanLosses) use them in the afternoon.
        foreach (var index in PlanLosses(dayIndex))
        {
            finderCards.Add(index);
            var r = Stream($"finder{dayIndex}", index);
            if (r.NextDouble() >= faults.LostCardUseRate)
            {
                continue;
            }

            for (var u = 0; u < 3; u++)
            {
                var merchant = r.Next(preset.Merchants);
                Add((12 * 3600) + r.Next(8 * 3600), index, SimAction.FinderShop, merchant, 500 + r.Next(2500));
            }
        }
    }

    private int Trip(SimCard card, Random r, int start, int fromRoute, int fromStop, int toRoute, int toStop, Action<int, int, SimAction, int, int, int> add)
    {
        var time = start;
        var bus = r.Next(preset.BusesPerRoute);
        add(time, card.Index, SimAction.Bus, fromRoute, bus, fromStop);
        time += 600 + r.Next(1800);
        if (IsDistanceRoute(fromRoute))
        {
            add(time, card.Index, SimAction.Bus, fromRoute, bus, fromRoute == toRoute ? toStop : (fromStop + 7) % preset.StopsPerRoute);
        }

        if (toRoute != fromRoute)
        {
            time += 120 + r.Next(900);
            var second = r.Next(preset.BusesPerRoute);
            add(time, card.Index, SimAction.Bus, toRoute, second, (toStop + 5) % preset.StopsPerRoute);
            time += 600 + r.Next(1500);
            if (IsDistanceRoute(toRoute))
            {
                add(time, card.Index, SimAction.Bus, toRoute, second, toStop);
            }
        }

        return time;
    }

    private bool IsDistanceRoute(int route) => route < preset.DistanceRoutes;

    private static int Price(int merchant, Random r) => (merchant % Categories.Length) switch
    {
        1 => 2000 + r.Next(30000),
        2 => 500 + r.Next(15000),
        3 => 1500 + r.Next(8000),
        8 or 10 => 5000 + r.Next(25000),
        _ => 300 + r.Next(6000),
    };

    private List<int> PlanLosses(int dayIndex)
    {
        var r = Stream("losses", dayIndex);
        var lost = new List<int>();
        // Only registered cards can be reported lost (the holder proves who they are); a few draws find anonymous ones.
        for (var n = 0; n < preset.LossReportsPerDay * 4 && lost.Count < preset.LossReportsPerDay && cards.Count > 0; n++)
        {
            var index = r.Next(cards.Count);
            if (cards[index] is { Lost: false, Holder: not null } && !lost.Contains(index))
            {
                lost.Add(index);
            }
        }

        return lost;
    }

    private void ReportLosses(int dayIndex, HashSet<int> lostToday)
    {
        if (lostToday.Count == 0)
        {
            return;
        }

        foreach (var index in lostToday.Order())
        {
            var card = cards[index];
            lifecycle.ReportLoss(new Clearing.Lifecycle.OperatorRequest($"loss-{card.Card.Asn}", "outlet clerk"), card.Card.Asn, card.Holder!);
            card.Lost = true;
            card.LostOnDay = dayIndex;
            Truth.LossReports++;
        }

        // The centre publishes a new parameter version with the blacklist; terminals ask for it during the afternoon.
        var publication = publisher.Publish();
        var r = Stream("pickup", dayIndex);
        foreach (var terminal in terminals)
        {
            terminal.PendingParameters = publication.Version;
            terminal.BlacklistPickupMinute = (12 * 60) + r.Next(8 * 60);
            nextPickupSecond = Math.Min(nextPickupSecond, terminal.BlacklistPickupMinute * 60);
        }
    }

    // Called before every event: a full-size city has 1,830 terminals, so the scan runs only when a pickup is due.
    private void InstallPendingParameters(int second)
    {
        if (second < nextPickupSecond)
        {
            return;
        }

        nextPickupSecond = int.MaxValue;
        foreach (var terminal in terminals)
        {
            if (terminal.PendingParameters is not null && second >= terminal.BlacklistPickupMinute * 60)
            {
                // As a terminal asks over HTTP: the centre answers with a delta (or the full file) and logs the pickup,
                // which is what a loss statement reads ("when did this terminal learn of the loss").
                var device = store.Read(w => w.FindDevice(terminal.DeviceId))!;
                var answer = publisher.Serve(device, terminal.Core.Parameters.Version);
                if (answer.File is { } file)
                {
                    terminal.Core.InstallParameters(file);
                }

                terminal.PendingParameters = null;
            }
            else if (terminal.PendingParameters is not null)
            {
                nextPickupSecond = Math.Min(nextPickupSecond, terminal.BlacklistPickupMinute * 60);
            }
        }
    }

    /// <summary>
    /// Lost cards whose waiting period has passed are replaced at an outlet: the centre issues the new card with the old
    /// one's recoverable value (its loss statement) as a pending credit, which the outlet writes to the new card at once.
    /// </summary>
    private void ReplaceLostCards(int dayIndex, Random random)
    {
        var due = cards.Where(c => c is { Lost: true, Replaced: false, LostOnDay: { } d } && dayIndex - d >= preset.LossWaitingDays).ToList();
        foreach (var lost in due)
        {
            var answer = lifecycle.Replace(new Clearing.Lifecycle.OperatorRequest($"replace-{lost.Card.Asn}", "outlet clerk"), lost.Card.Asn, lost.Holder!, CardCompany);
            var asn = Asn.Parse(answer.NewCard.Asn, "asn");
            var replacement = IssueCard(Stream("replacement", lost.Index), registerOpening: false, replacing: (asn, lost));
            cards.Add(replacement);
            lost.Replaced = true;
            Truth.Replacements++;
            Truth.RecoveredFen += answer.RecoveredFen;

            // An online payment the lost card never wrote moves to the new card with the recovered value.
            lost.PendingCreditFen -= answer.TransferredCreditsFen;
            replacement.PendingCreditFen = Math.Max(0, answer.RecoveredFen) + answer.TransferredCreditsFen;
            if (replacement.PendingCreditFen > 0)
            {
                Claim(replacement, random);
            }
        }
    }

    private List<int> SalesSchedule(int dayIndex)
    {
        var r = Stream("sales", dayIndex);
        return Enumerable.Range(0, preset.NewCardsPerDay).Select(_ => (9 * 3600) + r.Next(8 * 3600)).Order().ToList();
    }

    private void SellNewCard(Random random)
    {
        var outlet = outlets[random.Next(outlets.Count)];
        var card = IssueCard(Stream("newcard", cards.Count), registerOpening: false);
        cards.Add(card);
        store.Write(w =>
        {
            w.SaveProfile(Profile(card));
            return 0;
        });
        outlet.Core.AppendCash(new Terminals.Core.CashMovement("deposit", preset.DepositFen, card.Card.Asn.ToString(), clock.GetUtcNow()));
        Truth.CardsSold++;
        var load = outlet.Outlet!.Load(card.Card, 5000 + (random.Next(4) * 5000));
        Count(load, outlet, genuine: true);
    }
}
