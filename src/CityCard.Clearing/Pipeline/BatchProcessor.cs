using CityCard.Clearing.Ledger;
using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Storage;
using CityCard.Clearing.Verification;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Pipeline;

/// <summary>
/// Decides every record of one verified batch (docs/clearing.md §Pipeline) and collects what the batch changes. Runs
/// inside the store's exclusive write transaction; card state and earlier records of the same batch are kept in memory.
/// TACs were checked before the lock (<see cref="PreparedBatch"/>); each card's state is one mutable object per batch,
/// turned back into a <see cref="CardAccount"/> only for the cards that changed.
/// Several batches can be decided in one transaction (<see cref="TransactionGroup"/>): a batch then starts from the state
/// the previous one left (<see cref="Carry"/>: its cards with their records, and the merchant and meter lookups), while
/// the previous one is still being written; every read that could see that write first waits for it to end.
/// </summary>
internal sealed class BatchProcessor
{
    private readonly IClearingWriter writer;
    private readonly ClearingOptions options;
    private readonly BatchHeader header;
    private readonly Carry? carried;
    private readonly Action? beforeRead;
    private readonly (IReadOnlyDictionary<Asn, CardAccount> Step, IReadOnlyDictionary<Asn, CardAccount> Committed)? known;
    private readonly Dictionary<Asn, CardWork> cards;
    private readonly HashSet<Asn> asnScratch;
    private Dictionary<Asn, CardWork>? spareCards;
    private readonly Dictionary<RecordKey, List<PriorRecord>> priors = [];
    private readonly Dictionary<uint, Merchant?> merchants;
    private readonly Dictionary<TerminalId, Device?> meters;
    private readonly Dictionary<uint, long> payables = [];
    private readonly Dictionary<uint, long> outletCash = [];
    private long subsidyFen;
    private long commissionFen;
    private readonly HashSet<RecordKey> gapsOpened = [];
    private readonly HashSet<RecordKey> gapsClosed = [];

    // Set by the balance-chain check when a record's balance is explained by a record of the other counter kind that has
    // not arrived yet (say, a load from an outlet whose batch comes after the bus's); Accept reserves a gap for it.
    private CounterKind? unseenOtherKind;
    private int unseenOtherCount;
    private readonly DateTime closedChinaTime;

    /// <param name="writer">The transaction.</param>
    /// <param name="options">Pipeline limits.</param>
    /// <param name="header">The batch's verified header.</param>
    /// <param name="carried">What the previous batch of the same transaction left, when it is not stored yet.</param>
    /// <param name="beforeRead">Called before every read made while deciding (after the prefetch): waits for that store.</param>
    /// <param name="known">
    /// Cards as the writer would read them now, without reading: the cards the bulk step changed in the files before the
    /// carried one, then cards read committed on another connection. The carried cards take precedence over both, the
    /// step's over the committed; a card in none is read by the writer.
    /// </param>
    /// <param name="deviceHasPsam">Whether the uploading device is registered with a PSAM (from the file checks).</param>
    public BatchProcessor(
        IClearingWriter writer,
        ClearingOptions options,
        BatchHeader header,
        Carry? carried = null,
        Action? beforeRead = null,
        (IReadOnlyDictionary<Asn, CardAccount> Step, IReadOnlyDictionary<Asn, CardAccount> Committed)? known = null,
        bool deviceHasPsam = true)
    {
        this.known = known;
        this.deviceHasPsam = deviceHasPsam;
        this.writer = writer;
        this.options = options;
        this.header = header;
        this.carried = carried;
        this.beforeRead = beforeRead;
        merchants = carried?.Merchants ?? [];
        meters = carried?.Meters ?? [];

        // A bulk write's batches hand two card dictionaries and one set back and forth, so a batch of 50,000 cards does not
        // allocate (and have collected) tables of that size again for every file.
        cards = carried?.Spare ?? [];
        asnScratch = carried?.Asns ?? [];
        closedChinaTime = header.CreatedUtc.UtcDateTime + Settlement.BusinessCalendar.ChinaOffset;
    }

    /// <summary>Decides the batch. <paramref name="afterPrefetch"/> runs once the database reads of the prefetch are done.</summary>
    public BatchWrite Process(PreparedBatch prepared, BatchReceipt receiptTemplate, DateOnly businessDate, Action? afterPrefetch = null)
    {
        var batch = prepared.Batch!;
        Prefetch(batch.Records);
        afterPrefetch?.Invoke();
        var results = new ClearedRecord[batch.Records.Count];
        var totals = new Totals();
        uint blacklistSeen = 0;
        for (var i = 0; i < results.Length; i++)
        {
            var record = batch.Records[i];
            results[i] = Decide(i, record, prepared.Raw[i], prepared.TacVerdicts[i]);
            totals.Add(results[i].Outcome, record.AmountFen);
            blacklistSeen = Math.Max(blacklistSeen, record.BlacklistVersion);
        }

        var postings = Postings();
        LedgerTransaction? ledger = postings.IsEmpty
            ? null
            : new LedgerTransaction(LedgerTransactionKind.BatchClearing, businessDate, $"batch {header.DeviceId}#{header.BatchNumber}", postings.ToPostings());
        return new BatchWrite
        {
            Header = header,
            Receipt = receiptTemplate with { Totals = totals.ToOutcomeTotals() },
            DeclaredAmountFen = batch.AmountSumFen,
            Records = results,
            RecordsInKeyOrder = ClearedRecord.InKeyOrder(results),
            UpdatedCards = CardAccount.InStorageOrder(cards.Values.Where(c => c.Changed).Select(c => c.ToAccount()).ToList()),
            GapsOpened = gapsOpened.ToList(),
            GapsClosed = gapsClosed.ToList(),
            Ledger = ledger,
            BlacklistVersionSeen = blacklistSeen,
        };
    }

    /// <summary>
    /// What this batch leaves for the next one of the same transaction: every card it loaded, in its final state and with
    /// the records this batch accepted or held, and the merchant and meter lookups. The cards are continued in place:
    /// this processor must not be used afterwards.
    /// </summary>
    public Carry CarryOver()
    {
        foreach (var work in cards.Values)
        {
            work.Continue();
        }

        return new Carry(cards, spareCards, asnScratch, merchants, meters);
    }

    // At most one round trip for the batch's cards and one for the earlier records that a duplicate check needs: only
    // keys below a card's highest counter seen can have been seen before; new counters never need a lookup. Cards the
    // previous batch of the transaction had are taken from it (it may not be written yet); its records are on them.
    // Cards already known (see the constructor) are not read again; the writer reads only those in neither.
    private void Prefetch(IReadOnlyList<TransactionRecord> records)
    {
        var asns = asnScratch;
        asns.Clear();
        foreach (var record in records)
        {
            if (carried is not null && carried.Cards.TryGetValue(record.Asn, out var previous))
            {
                cards.TryAdd(record.Asn, previous);
            }
            else if (known is { } read && (read.Step.TryGetValue(record.Asn, out var account) || read.Committed.TryGetValue(record.Asn, out account)))
            {
                if (!cards.ContainsKey(record.Asn))
                {
                    cards[record.Asn] = new CardWork(account);
                }
            }
            else
            {
                asns.Add(record.Asn);
            }
        }

        if (carried is not null)
        {
            // Every card carried over that this batch has is in its own table now: the old table is the next batch's.
            carried.Cards.Clear();
            spareCards = carried.Cards;
        }

        if (asns.Count > 0)
        {
            foreach (var (asn, card) in writer.LoadCards(asns))
            {
                cards[asn] = new CardWork(card);
            }

            asns.Clear();
        }

        var lookups = new HashSet<RecordKey>();
        foreach (var record in records)
        {
            if (!cards.TryGetValue(record.Asn, out var work))
            {
                continue;
            }

            var key = RecordKey.Of(record, header.DeviceId);
            if (key.Kind == CounterKind.Access || key.Counter < work.SeenNext(key.Kind))
            {
                lookups.Add(key);
            }
        }

        if (lookups.Count > 0)
        {
            foreach (var prior in writer.FindPriorRecords(lookups))
            {
                Remember(prior);
            }
        }
    }

    private ClearedRecord Decide(int index, TransactionRecord record, byte[] raw, ReasonCode tacVerdict)
    {
        var key = RecordKey.Of(record, header.DeviceId);
        var order = new OrderKey(OrderKey.TimeNumber(record.DateTime), key.Kind, key.Counter);
        Merchant? merchant = null;
        unseenOtherKind = null;
        unseenOtherCount = 0;
        var reason = record.Kind == RecordKind.Access ? CheckAccess(record, key, raw) : Check(record, key, ref order, raw, tacVerdict, out merchant);
        var split = default(PurchaseSplit);
        switch (reason.Outcome())
        {
            case RecordOutcome.Accepted:
                var work = cards[record.Asn];
                if (record.Kind != RecordKind.Access)
                {
                    (reason, split) = Accept(record, key, order, reason, merchant!, work);
                }

                // An access event has no place in the balance chain.
                work.Remember(new HeldRecord(key, raw, record.Kind == RecordKind.Access ? null : new ChainLink(order, record.BalanceBeforeFen, record.BalanceAfterFen)));
                break;
            case RecordOutcome.Suspect:
                NoteSeen(record, key);
                cards[record.Asn].Remember(new HeldRecord(key, raw, Link: null, Accepted: false));
                break;
            case RecordOutcome.Duplicate:
            case RecordOutcome.Rejected:
                break;
            default:
                throw new InvalidOperationException($"unknown outcome of {reason}");
        }

        var purchase = record.IsPurchase && reason.Outcome() == RecordOutcome.Accepted;
        return new ClearedRecord
        {
            Index = index,
            Key = key,
            Order = order,
            Kind = record.Kind,
            Reason = reason,
            AmountFen = record.AmountFen,
            BalanceBeforeFen = record.BalanceBeforeFen,
            BalanceAfterFen = record.BalanceAfterFen,
            PartyId = record.Kind == RecordKind.Load ? header.OperatorId : record.MerchantId,
            FullFareFen = purchase ? split.FullFareFen : 0,
            SubsidyFen = purchase ? split.SubsidyFen : 0,
            CommissionFen = purchase ? split.CommissionFen : 0,
            CommissionBps = purchase ? merchant!.CommissionBps : 0,
            Raw = raw,
        };
    }

    private ReasonCode CheckAccess(TransactionRecord record, RecordKey key, byte[] raw)
    {
        if (!cards.TryGetValue(record.Asn, out var work))
        {
            return ReasonCode.UnknownCard;
        }

        if (work.Card.Status == CardStatus.Cancelled)
        {
            return ReasonCode.CardCancelled;
        }

        return IsDuplicate(work, key, raw) ? ReasonCode.DuplicateRecord : ReasonCode.ClearedAccessEvent;
    }

    // The checks in the order of docs/clearing.md: the first that fails decides the outcome. The TAC verdict (unknown key
    // version, bad TAC, or Cleared when it verifies) was computed before the lock.
    private ReasonCode Check(TransactionRecord record, RecordKey key, ref OrderKey order, byte[] raw, ReasonCode tacVerdict, out Merchant? merchant)
    {
        merchant = null;
        if (tacVerdict != ReasonCode.Cleared)
        {
            return tacVerdict;
        }

        if (!cards.TryGetValue(record.Asn, out var work))
        {
            return ReasonCode.UnknownCard;
        }

        var card = work.Card;
        if (card.Status == CardStatus.Cancelled)
        {
            return ReasonCode.CardCancelled;
        }

        if (card.City != record.CityCode)
        {
            return ReasonCode.CardMismatch;
        }

        if (!TerminalBelongs(record.Terminal) || (record.Kind != RecordKind.Access && !MakesTransactions()))
        {
            return ReasonCode.UnknownTerminal;
        }

        merchant = Merchant(record.Kind == RecordKind.Load ? header.OperatorId : record.MerchantId);
        if (merchant is null)
        {
            return ReasonCode.UnknownMerchant;
        }

        if (IsDuplicate(work, key, raw))
        {
            return ReasonCode.DuplicateRecord;
        }

        if (IsClone(work, key))
        {
            return ReasonCode.ClonedCard;
        }

        order = CounterOrdered(work, key, order);
        return CheckContinuity(record, key, order, work) ?? CheckContext(record, card) ?? ReasonCode.Cleared;
    }

    // Terminal clocks drift, so two records of one counter kind from different terminals can be dated against their
    // counter order. The counter is the card's own truth: the record's order time is clamped between the times of its
    // accepted neighbours of the same kind (nearest counter below and above), so card order follows the counters within a
    // kind and the clocks only between kinds. A new counter dated after everything accepted has nothing to clamp against.
    private OrderKey CounterOrdered(CardWork work, RecordKey key, OrderKey order)
    {
        if (key.Counter >= work.Next(key.Kind) && order > work.ChainTip)
        {
            return order;
        }

        beforeRead?.Invoke();
        var (lower, upper) = writer.FindCounterNeighbours(work.Card.Asn, key.Kind, key.Counter);
        for (var i = 0; i < work.HeldCount; i++)
        {
            if (work.HeldAt(i).Link is not { } link || link.Order.Kind != key.Kind)
            {
                continue;
            }

            if (link.Order.Counter < key.Counter && (lower is null || link.Order.Counter > lower.Value.Order.Counter))
            {
                lower = link;
            }
            else if (link.Order.Counter > key.Counter && (upper is null || link.Order.Counter < upper.Value.Order.Counter))
            {
                upper = link;
            }
        }

        var time = order.Time;
        if (lower is { } below && below.Order.Time > time)
        {
            time = below.Order.Time;
        }

        if (upper is { } above && above.Order.Time < time)
        {
            time = above.Order.Time;
        }

        return order with { Time = time };
    }

    private ReasonCode? CheckContinuity(TransactionRecord record, RecordKey key, OrderKey order, CardWork work)
    {
        var next = work.Next(key.Kind);
        if (key.Counter < work.Card.Start(key.Kind))
        {
            return ReasonCode.CounterBeforeRegistration;
        }

        if (key.Counter - next > options.MaxCounterGap)
        {
            return ReasonCode.CounterJump;
        }

        // While counters are missing the chain has known holes: it is checked once the card's sequences are contiguous.
        var opensGap = key.Counter > next;
        var otherGaps = work.OpenGaps - (key.Counter < next ? 1 : 0);
        if (opensGap || otherGaps > 0)
        {
            return null;
        }

        var (before, after) = Neighbours(work, order);
        var expectedBefore = before?.BalanceAfterFen ?? work.Card.OpeningBalanceFen;

        // Purchases and loads count on separate counters, so a record of the other kind that is still on its way leaves
        // no counter gap: a balance that rose without a load waits for a load, one that fell without a purchase waits for
        // purchases. Such a hole before the record, after it, or both (an outlet's batch with two loads arriving after the
        // bus's purchase between them) is reserved as a gap of the other kind; a hole only the record's own kind could
        // explain before it breaks the chain.
        var other = key.Kind == CounterKind.Online ? CounterKind.Offline : CounterKind.Online;
        var holes = 0;
        if (record.BalanceBeforeFen != expectedBefore)
        {
            if (Unseen(expectedBefore, record.BalanceBeforeFen) != other)
            {
                // Before the record this kind's counters are contiguous, so nothing of this kind can be missing there.
                return ReasonCode.BalanceChainBroken;
            }

            holes++;
        }

        if (after is { } successor && successor.BalanceBeforeFen != record.BalanceAfterFen)
        {
            if (Unseen(record.BalanceAfterFen, successor.BalanceBeforeFen) != other)
            {
                // After it, this card's later records of the same kind simply have not arrived; they are checked when they do.
                return holes == 0 ? null : ReasonCode.BalanceChainBroken;
            }

            holes++;
        }

        if (holes > 0)
        {
            unseenOtherKind = other;
            unseenOtherCount = holes;
        }

        return null;
    }

    private static CounterKind Unseen(long from, long to) => to > from ? CounterKind.Online : CounterKind.Offline;

    private ReasonCode? CheckContext(TransactionRecord record, CardAccount card)
    {
        if (card.BlacklistedVersion is { } listed && record.BlacklistVersion >= listed)
        {
            return ReasonCode.UsedAfterBlacklisting;
        }

        if (record.DateTime.Value > closedChinaTime + options.FutureSkew)
        {
            return ReasonCode.FutureDate;
        }

        if (record.DateTime.Value < closedChinaTime - options.MaxRecordAge)
        {
            return ReasonCode.StaleDate;
        }

        return null;
    }

    private (ReasonCode Reason, PurchaseSplit Split) Accept(TransactionRecord record, RecordKey key, OrderKey order, ReasonCode reason, Merchant merchant, CardWork work)
    {
        var next = work.Next(key.Kind);
        reason = key.Counter > next ? ReasonCode.ClearedOpensGap : key.Counter < next ? ReasonCode.ClearedFillsGap : ReasonCode.Cleared;
        for (var counter = next; counter < key.Counter; counter++)
        {
            gapsOpened.Add(key with { Counter = counter });
            work.OpenGaps++;
        }

        if (reason == ReasonCode.ClearedFillsGap)
        {
            if (!gapsOpened.Remove(key))
            {
                gapsClosed.Add(key);
            }

            work.OpenGaps--;
        }

        if (unseenOtherKind is { } other)
        {
            var reserved = work.Next(other);
            for (var hole = 0; hole < unseenOtherCount; hole++)
            {
                gapsOpened.Add(new RecordKey(record.Asn, other, reserved + hole));
                work.OpenGaps++;
            }

            work.Advance(other, reserved + unseenOtherCount);
            reason = ReasonCode.ClearedOpensGap;
        }

        work.Advance(key.Kind, (int)Math.Max(next, key.Counter + 1));
        var load = record.Kind == RecordKind.Load;
        work.ShadowBalanceFen = checked(work.ShadowBalanceFen + (load ? record.AmountFen : -record.AmountFen));
        if (order > work.ChainTip)
        {
            work.ChainTip = order;
            work.ChainBalanceFen = record.BalanceAfterFen;
        }

        work.Changed = true;
        if (load)
        {
            work.FloatFen -= record.AmountFen;
            Accumulate(outletCash, header.OperatorId, record.AmountFen);
            return (reason, default);
        }

        var split = PurchaseSplit.Of(record.AmountFen, record.FullFareFen, record.Discount == DiscountKind.Concession, merchant.CommissionBps);
        work.FloatFen += split.AmountFen;
        subsidyFen += split.SubsidyFen;
        commissionFen += split.CommissionFen;
        Accumulate(payables, merchant.MerchantId, split.NetFen);
        return (reason, split);
    }

    private static void Accumulate(Dictionary<uint, long> totals, uint id, long amountFen)
    {
        totals.TryGetValue(id, out var current);
        totals[id] = checked(current + amountFen);
    }

    // The batch's postings: per card the net float movement, per merchant the payable, per outlet the cash, and the
    // centre's subsidy receivable and commission. They balance because every record added equal debits and credits.
    private PostingBuilder Postings()
    {
        var postings = new PostingBuilder(cards.Count + payables.Count + outletCash.Count + 2);
        foreach (var work in cards.Values)
        {
            postings.Add(Account.CardFloat(work.Card.Asn), work.FloatFen);
        }

        foreach (var (merchant, net) in payables)
        {
            postings.Add(Account.Payable(merchant), -net);
        }

        foreach (var (outlet, cash) in outletCash)
        {
            postings.Add(Account.OutletCash(outlet), cash);
        }

        postings.Add(Account.Of(AccountKind.ConcessionSubsidyReceivable), subsidyFen);
        postings.Add(Account.Of(AccountKind.CommissionIncome), -commissionFen);
        return postings;
    }

    // A suspect record still used its counter on the card: later copies of it must be found by the duplicate check.
    private void NoteSeen(TransactionRecord record, RecordKey key)
    {
        if (key.Kind == CounterKind.Access || !cards.TryGetValue(record.Asn, out var work))
        {
            return;
        }

        var seenNext = (int)Math.Max(work.SeenNext(key.Kind), Math.Min(key.Counter + 1, int.MaxValue));
        if (seenNext != work.SeenNext(key.Kind))
        {
            if (key.Kind == CounterKind.Online)
            {
                work.OnlineSeenNext = seenNext;
            }
            else
            {
                work.OfflineSeenNext = seenNext;
            }

            work.Changed = true;
        }
    }

    private (ChainLink? Before, ChainLink? After) Neighbours(CardWork work, OrderKey order)
    {
        if (order > work.ChainTip)
        {
            return (work.ChainTip == OrderKey.None ? null : new ChainLink(work.ChainTip, 0, work.ChainBalanceFen), null);
        }

        beforeRead?.Invoke();
        var (before, after) = writer.FindNeighbours(work.Card.Asn, order);
        for (var i = 0; i < work.HeldCount; i++)
        {
            if (work.HeldAt(i).Link is not { } link)
            {
                continue;
            }

            if (link.Order < order && (before is null || link.Order > before.Value.Order))
            {
                before = link;
            }
            else if (link.Order > order && (after is null || link.Order < after.Value.Order))
            {
                after = link;
            }
        }

        return (before, after);
    }

    // A counter at or above the card's highest seen (valid-TAC) counter cannot have been seen, stored or in this batch:
    // the common case needs no lookup at all. Below it, stored records were prefetched and this batch's are on the card.
    private static bool MaybeSeen(CardWork work, RecordKey key) => key.Kind == CounterKind.Access || key.Counter < work.SeenNext(key.Kind);

    private bool IsDuplicate(CardWork work, RecordKey key, byte[] raw)
    {
        if (!MaybeSeen(work, key))
        {
            return false;
        }

        if (priors.TryGetValue(key, out var stored)
            && stored.Any(p => p.Outcome is RecordOutcome.Accepted or RecordOutcome.Suspect && p.Raw.AsSpan().SequenceEqual(raw)))
        {
            return true;
        }

        for (var i = 0; i < work.HeldCount; i++)
        {
            var held = work.HeldAt(i);
            if (held.Key == key && held.Raw.AsSpan().SequenceEqual(raw))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsClone(CardWork work, RecordKey key)
    {
        if (!MaybeSeen(work, key))
        {
            return false;
        }

        if (priors.TryGetValue(key, out var stored) && stored.Any(p => p.Outcome == RecordOutcome.Accepted))
        {
            return true;
        }

        for (var i = 0; i < work.HeldCount; i++)
        {
            var held = work.HeldAt(i);
            if (held.Accepted && held.Key == key)
            {
                return true;
            }
        }

        return false;
    }

    private void Remember(PriorRecord prior)
    {
        if (!priors.TryGetValue(prior.Key, out var list))
        {
            priors[prior.Key] = list = [];
        }

        list.Add(prior);
    }

    // Purchases and loads need a PSAM: a device registered without one (a door reader) clears access events only, so it
    // cannot pass off records made with another device's PSAM, named in its own header, as its own. A taxi collector
    // has none of its own either; its records are its company's meters', checked by TerminalBelongs. (Known from the file
    // checks, which read the device: a read here would wait for the previous file's write.)
    private bool MakesTransactions() => deviceHasPsam || header.DeviceKind == DeviceKind.TaxiCollector;

    private readonly bool deviceHasPsam;

    private bool TerminalBelongs(TerminalId terminal)
    {
        if (header.DeviceKind != DeviceKind.TaxiCollector)
        {
            return terminal == header.PsamTerminal;
        }

        if (!meters.TryGetValue(terminal, out var meter))
        {
            beforeRead?.Invoke();
            meters[terminal] = meter = writer.FindDeviceByTerminal(terminal);
        }

        return meter is { Kind: DeviceKind.TaxiMeter, Status: DeviceStatus.Active } && meter.OperatorId == header.OperatorId;
    }

    private Merchant? Merchant(uint merchantId)
    {
        if (!merchants.TryGetValue(merchantId, out var merchant))
        {
            beforeRead?.Invoke();
            merchants[merchantId] = merchant = writer.FindMerchant(merchantId);
        }

        return merchant;
    }

    /// <summary>
    /// What one batch leaves for the next of the same transaction (see <see cref="CarryOver"/>): its cards, and tables the
    /// next batch may reuse (emptied): a card table (null after the first batch) and a set of card numbers.
    /// </summary>
    internal sealed record Carry(
        Dictionary<Asn, CardWork> Cards,
        Dictionary<Asn, CardWork>? Spare,
        HashSet<Asn> Asns,
        Dictionary<uint, Merchant?> Merchants,
        Dictionary<TerminalId, Device?> Meters);

    /// <summary>
    /// An accepted or suspect record of this batch, kept on its card for the duplicate and clone checks of later ones, and
    /// for an accepted purchase or load its place in the balance chain.
    /// </summary>
    internal readonly record struct HeldRecord(RecordKey Key, byte[] Raw, ChainLink? Link, bool Accepted = true);

    // Outcome counts of the batch, added up without a copy per record.
    private struct Totals
    {
        private int accepted, duplicate, rejected, suspect;
        private long acceptedFen, duplicateFen, rejectedFen, suspectFen;

        public void Add(RecordOutcome outcome, long amountFen)
        {
            switch (outcome)
            {
                case RecordOutcome.Accepted:
                    accepted++;
                    acceptedFen = checked(acceptedFen + amountFen);
                    break;
                case RecordOutcome.Duplicate:
                    duplicate++;
                    duplicateFen = checked(duplicateFen + amountFen);
                    break;
                case RecordOutcome.Rejected:
                    rejected++;
                    rejectedFen = checked(rejectedFen + amountFen);
                    break;
                case RecordOutcome.Suspect:
                    suspect++;
                    suspectFen = checked(suspectFen + amountFen);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "unknown outcome");
            }
        }

        public readonly OutcomeTotals ToOutcomeTotals() => new()
        {
            Accepted = accepted,
            AcceptedFen = acceptedFen,
            Duplicate = duplicate,
            DuplicateFen = duplicateFen,
            Rejected = rejected,
            RejectedFen = rejectedFen,
            Suspect = suspect,
            SuspectFen = suspectFen,
        };
    }

    // A card's state during the batch: the stored account plus the fields the pipeline moves, changed in place.
    internal sealed class CardWork(CardAccount card)
    {
        public CardAccount Card { get; } = card;

        public bool Changed { get; set; }

        public int OfflineNext { get; set; } = card.OfflineNext;

        public int OnlineNext { get; set; } = card.OnlineNext;

        public int OfflineSeenNext { get; set; } = card.OfflineSeenNext;

        public int OnlineSeenNext { get; set; } = card.OnlineSeenNext;

        public int OpenGaps { get; set; } = card.OpenGaps;

        public long ShadowBalanceFen { get; set; } = card.ShadowBalanceFen;

        public OrderKey ChainTip { get; set; } = card.ChainTip;

        public long ChainBalanceFen { get; set; } = card.ChainBalanceFen;

        // The records held on the card (see HeldRecord) in arrival order: most cards have one a batch, so the first is a
        // field and only a second needs a list. The first `inherited` came from the batch before (see Continue).
        private HeldRecord first;
        private List<HeldRecord>? rest;
        private int inherited;

        public int HeldCount { get; private set; }

        public HeldRecord HeldAt(int index) => index == 0 ? first : rest![index - 1];

        /// <summary>Net card-float debit of the batch's accepted records of this card (purchases − loads).</summary>
        public long FloatFen { get; set; }

        public int Next(CounterKind kind) => kind == CounterKind.Online ? OnlineNext : OfflineNext;

        public int SeenNext(CounterKind kind) => kind == CounterKind.Online ? OnlineSeenNext : OfflineSeenNext;

        // Moves a sequence's next accepted counter forward (and its seen counter with it).
        public void Advance(CounterKind kind, int next)
        {
            if (kind == CounterKind.Online)
            {
                OnlineNext = next;
                OnlineSeenNext = Math.Max(OnlineSeenNext, next);
            }
            else
            {
                OfflineNext = next;
                OfflineSeenNext = Math.Max(OfflineSeenNext, next);
            }
        }

        public void Remember(HeldRecord held)
        {
            if (HeldCount == 0)
            {
                first = held;
            }
            else
            {
                (rest ??= new List<HeldRecord>(2)).Add(held);
            }

            HeldCount++;
        }

        // Makes this the card as the next batch starts it: nothing changed or owed yet, and this batch's own records still
        // on it (it may not be written when the next one reads the database). The records it took over from the batch
        // before are dropped: that batch is written before the next one reads anything (TransactionGroup), and a bulk
        // write carries cards across all its steps, so they would pile up. The stored account (Card) is not renewed: the
        // fields the pipeline moves are read from this object, never from Card, and ToAccount overrides every one.
        public void Continue()
        {
            DropFirst(inherited);
            inherited = HeldCount;
            Changed = false;
            FloatFen = 0;
        }

        private void DropFirst(int count)
        {
            if (count == 0)
            {
                return;
            }

            if (count >= HeldCount)
            {
                first = default;
                rest?.Clear();
                HeldCount = 0;
                return;
            }

            // Items are first, rest[0], rest[1], …: the new first is rest[count - 1].
            first = rest![count - 1];
            rest.RemoveRange(0, count);
            HeldCount -= count;
        }

        public CardAccount ToAccount() => Card with
        {
            OfflineNext = OfflineNext,
            OnlineNext = OnlineNext,
            OfflineSeenNext = OfflineSeenNext,
            OnlineSeenNext = OnlineSeenNext,
            OpenGaps = OpenGaps,
            ShadowBalanceFen = ShadowBalanceFen,
            ChainTip = ChainTip,
            ChainBalanceFen = ChainBalanceFen,
        };
    }
}
