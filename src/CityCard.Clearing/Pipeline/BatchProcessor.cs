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
/// </summary>
internal sealed class BatchProcessor
{
    private readonly IClearingWriter writer;
    private readonly TacKeyRing tacKeys;
    private readonly ClearingOptions options;
    private readonly BatchHeader header;
    private readonly Dictionary<Asn, CardWork> cards = [];
    private readonly Dictionary<RecordKey, List<PriorRecord>> seen = [];
    private readonly Dictionary<uint, Merchant?> merchants = [];
    private readonly Dictionary<TerminalId, Device?> meters = [];
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

    public BatchProcessor(IClearingWriter writer, TacKeyRing tacKeys, ClearingOptions options, BatchHeader header)
    {
        this.writer = writer;
        this.tacKeys = tacKeys;
        this.options = options;
        this.header = header;
        closedChinaTime = header.CreatedUtc.UtcDateTime + Settlement.BusinessCalendar.ChinaOffset;
    }

    public BatchWrite Process(BatchFile batch, ReadOnlySpan<byte> file, BatchReceipt receiptTemplate, DateOnly businessDate)
    {
        Prefetch(batch.Records);
        var results = new ClearedRecord[batch.Records.Count];
        var totals = new OutcomeTotals();
        uint blacklistSeen = 0;
        for (var i = 0; i < results.Length; i++)
        {
            var record = batch.Records[i];
            var raw = file.Slice(BatchCodec.HeaderLength + (i * BatchCodec.RecordLength), BatchCodec.RecordLength).ToArray();
            results[i] = Decide(i, record, raw);
            totals = totals.Add(results[i].Outcome, record.AmountFen);
            blacklistSeen = Math.Max(blacklistSeen, record.BlacklistVersion);
        }

        var postings = Postings();
        LedgerTransaction? ledger = postings.IsEmpty
            ? null
            : new LedgerTransaction(LedgerTransactionKind.BatchClearing, businessDate, $"batch {header.DeviceId}#{header.BatchNumber}", postings.ToPostings());
        return new BatchWrite
        {
            Header = header,
            Receipt = receiptTemplate with { Totals = totals },
            DeclaredAmountFen = batch.AmountSumFen,
            Records = results,
            UpdatedCards = cards.Values.Where(c => c.Changed).Select(c => c.Card).ToList(),
            GapsOpened = gapsOpened.ToList(),
            GapsClosed = gapsClosed.ToList(),
            Ledger = ledger,
            BlacklistVersionSeen = blacklistSeen,
        };
    }

    // One round trip for the batch's cards and one for the earlier records that a duplicate check needs: only keys
    // below a card's highest counter seen can have been seen before; new counters never need a lookup.
    private void Prefetch(IReadOnlyList<TransactionRecord> records)
    {
        var asns = new HashSet<Asn>();
        foreach (var record in records)
        {
            asns.Add(record.Asn);
        }

        foreach (var (asn, card) in writer.LoadCards(asns))
        {
            cards[asn] = new CardWork(card);
        }

        var lookups = new HashSet<RecordKey>();
        foreach (var record in records)
        {
            if (!cards.TryGetValue(record.Asn, out var work))
            {
                continue;
            }

            var key = RecordKey.Of(record, header.DeviceId);
            if (key.Kind == CounterKind.Access || key.Counter < work.Card.SeenNext(key.Kind))
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

    private ClearedRecord Decide(int index, TransactionRecord record, byte[] raw)
    {
        var key = RecordKey.Of(record, header.DeviceId);
        var order = new OrderKey(OrderKey.TimeNumber(record.DateTime), key.Kind, key.Counter);
        var result = new ClearedRecord
        {
            Index = index,
            Key = key,
            Order = order,
            Kind = record.Kind,
            Reason = ReasonCode.Cleared,
            AmountFen = record.AmountFen,
            BalanceBeforeFen = record.BalanceBeforeFen,
            BalanceAfterFen = record.BalanceAfterFen,
            PartyId = record.Kind == RecordKind.Load ? header.OperatorId : record.MerchantId,
            Raw = raw,
        };

        Merchant? merchant = null;
        unseenOtherKind = null;
        unseenOtherCount = 0;
        var reason = record.Kind == RecordKind.Access ? CheckAccess(record, key, raw) : Check(record, key, ref order, raw, out merchant);
        result = result with { Reason = reason, Order = order };
        switch (reason.Outcome())
        {
            case RecordOutcome.Accepted:
                if (record.Kind != RecordKind.Access)
                {
                    result = Accept(record, result, merchant!);
                }

                Remember(new PriorRecord(key, RecordOutcome.Accepted, raw));
                break;
            case RecordOutcome.Suspect:
                NoteSeen(record, key);
                Remember(new PriorRecord(key, RecordOutcome.Suspect, raw));
                break;
            case RecordOutcome.Duplicate:
            case RecordOutcome.Rejected:
                break;
            default:
                throw new InvalidOperationException($"unknown outcome of {reason}");
        }

        return result;
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

        return IsDuplicate(key, raw) ? ReasonCode.DuplicateRecord : ReasonCode.ClearedAccessEvent;
    }

    // The checks in the order of docs/clearing.md: the first that fails decides the outcome.
    private ReasonCode Check(TransactionRecord record, RecordKey key, ref OrderKey order, byte[] raw, out Merchant? merchant)
    {
        merchant = null;
        var tacKey = tacKeys.CardTacKey(record.Algorithm, record.KeyVersion, record.CityCode, record.Asn);
        if (tacKey is null)
        {
            return ReasonCode.UnknownKeyVersion;
        }

        if (record.ComputeTac(tacKey) != record.Tac)
        {
            return ReasonCode.BadTac;
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

        if (!TerminalBelongs(record.Terminal))
        {
            return ReasonCode.UnknownTerminal;
        }

        merchant = Merchant(record.Kind == RecordKind.Load ? header.OperatorId : record.MerchantId);
        if (merchant is null)
        {
            return ReasonCode.UnknownMerchant;
        }

        if (IsDuplicate(key, raw))
        {
            return ReasonCode.DuplicateRecord;
        }

        if (seen.TryGetValue(key, out var priors) && priors.Any(p => p.Outcome == RecordOutcome.Accepted))
        {
            return ReasonCode.ClonedCard;
        }

        order = CounterOrdered(work, key, order);
        return CheckContinuity(record, key, order, card, work) ?? CheckContext(record, card) ?? ReasonCode.Cleared;
    }

    // Terminal clocks drift, so two records of one counter kind from different terminals can be dated against their
    // counter order. The counter is the card's own truth: the record's order time is clamped between the times of its
    // accepted neighbours of the same kind (nearest counter below and above), so card order follows the counters within a
    // kind and the clocks only between kinds. A new counter dated after everything accepted has nothing to clamp against.
    private OrderKey CounterOrdered(CardWork work, RecordKey key, OrderKey order)
    {
        var card = work.Card;
        if (key.Counter >= card.Next(key.Kind) && order > card.ChainTip)
        {
            return order;
        }

        var (lower, upper) = writer.FindCounterNeighbours(card.Asn, key.Kind, key.Counter);
        foreach (var link in work.Accepted)
        {
            if (link.Order.Kind != key.Kind)
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

    private ReasonCode? CheckContinuity(TransactionRecord record, RecordKey key, OrderKey order, CardAccount card, CardWork work)
    {
        var next = card.Next(key.Kind);
        if (key.Counter < card.Start(key.Kind))
        {
            return ReasonCode.CounterBeforeRegistration;
        }

        if (key.Counter - next > options.MaxCounterGap)
        {
            return ReasonCode.CounterJump;
        }

        // While counters are missing the chain has known holes: it is checked once the card's sequences are contiguous.
        var opensGap = key.Counter > next;
        var otherGaps = card.OpenGaps - (key.Counter < next ? 1 : 0);
        if (opensGap || otherGaps > 0)
        {
            return null;
        }

        var (before, after) = Neighbours(work, order);
        var expectedBefore = before?.BalanceAfterFen ?? card.OpeningBalanceFen;

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

    private ClearedRecord Accept(TransactionRecord record, ClearedRecord result, Merchant merchant)
    {
        var work = cards[record.Asn];
        var card = work.Card;
        var key = result.Key;
        var next = card.Next(key.Kind);
        var reason = key.Counter > next ? ReasonCode.ClearedOpensGap : key.Counter < next ? ReasonCode.ClearedFillsGap : ReasonCode.Cleared;
        var openGaps = card.OpenGaps;
        for (var counter = next; counter < key.Counter; counter++)
        {
            gapsOpened.Add(key with { Counter = counter });
            openGaps++;
        }

        if (reason == ReasonCode.ClearedFillsGap)
        {
            if (!gapsOpened.Remove(key))
            {
                gapsClosed.Add(key);
            }

            openGaps--;
        }

        if (unseenOtherKind is { } other)
        {
            var reserved = card.Next(other);
            for (var hole = 0; hole < unseenOtherCount; hole++)
            {
                gapsOpened.Add(new RecordKey(record.Asn, other, reserved + hole));
                openGaps++;
            }

            var end = reserved + unseenOtherCount;
            card = other == CounterKind.Online
                ? card with { OnlineNext = end, OnlineSeenNext = Math.Max(card.OnlineSeenNext, end) }
                : card with { OfflineNext = end, OfflineSeenNext = Math.Max(card.OfflineSeenNext, end) };
            reason = ReasonCode.ClearedOpensGap;
        }

        var newNext = (int)Math.Max(next, key.Counter + 1);
        var load = record.Kind == RecordKind.Load;
        var isTip = result.Order > card.ChainTip;
        var shadow = checked(card.ShadowBalanceFen + (load ? record.AmountFen : -record.AmountFen));
        var tip = isTip ? result.Order : card.ChainTip;
        var chainBalance = isTip ? record.BalanceAfterFen : card.ChainBalanceFen;
        work.Update(key.Kind == CounterKind.Online
            ? card with { OnlineNext = newNext, OnlineSeenNext = Math.Max(card.OnlineSeenNext, newNext), OpenGaps = openGaps, ShadowBalanceFen = shadow, ChainTip = tip, ChainBalanceFen = chainBalance }
            : card with { OfflineNext = newNext, OfflineSeenNext = Math.Max(card.OfflineSeenNext, newNext), OpenGaps = openGaps, ShadowBalanceFen = shadow, ChainTip = tip, ChainBalanceFen = chainBalance });
        work.Accepted.Add(new ChainLink(result.Order, record.BalanceBeforeFen, record.BalanceAfterFen));
        if (load)
        {
            work.FloatFen -= record.AmountFen;
            Accumulate(outletCash, header.OperatorId, record.AmountFen);
            return result with { Reason = reason };
        }

        var split = PurchaseSplit.Of(record.AmountFen, record.FullFareFen, record.Discount == DiscountKind.Concession, merchant.CommissionBps);
        work.FloatFen += split.AmountFen;
        subsidyFen += split.SubsidyFen;
        commissionFen += split.CommissionFen;
        Accumulate(payables, merchant.MerchantId, split.NetFen);
        return result with
        {
            Reason = reason,
            FullFareFen = split.FullFareFen,
            SubsidyFen = split.SubsidyFen,
            CommissionFen = split.CommissionFen,
            CommissionBps = merchant.CommissionBps,
        };
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
        var postings = new PostingBuilder();
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

        var card = work.Card;
        var seenNext = (int)Math.Max(card.SeenNext(key.Kind), Math.Min(key.Counter + 1, int.MaxValue));
        if (seenNext != card.SeenNext(key.Kind))
        {
            work.Update(key.Kind == CounterKind.Online ? card with { OnlineSeenNext = seenNext } : card with { OfflineSeenNext = seenNext });
        }
    }

    private (ChainLink? Before, ChainLink? After) Neighbours(CardWork work, OrderKey order)
    {
        var card = work.Card;
        if (order > card.ChainTip)
        {
            return (card.ChainTip == OrderKey.None ? null : new ChainLink(card.ChainTip, 0, card.ChainBalanceFen), null);
        }

        var (before, after) = writer.FindNeighbours(card.Asn, order);
        foreach (var link in work.Accepted)
        {
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

    private bool IsDuplicate(RecordKey key, byte[] raw) =>
        seen.TryGetValue(key, out var priors)
        && priors.Any(p => p.Outcome is RecordOutcome.Accepted or RecordOutcome.Suspect && p.Raw.AsSpan().SequenceEqual(raw));

    private void Remember(PriorRecord prior)
    {
        if (!seen.TryGetValue(prior.Key, out var list))
        {
            seen[prior.Key] = list = [];
        }

        list.Add(prior);
    }

    private bool TerminalBelongs(TerminalId terminal)
    {
        if (header.DeviceKind != DeviceKind.TaxiCollector)
        {
            return terminal == header.PsamTerminal;
        }

        if (!meters.TryGetValue(terminal, out var meter))
        {
            meters[terminal] = meter = writer.FindDeviceByTerminal(terminal);
        }

        return meter is { Kind: DeviceKind.TaxiMeter, Status: DeviceStatus.Active } && meter.OperatorId == header.OperatorId;
    }

    private Merchant? Merchant(uint merchantId)
    {
        if (!merchants.TryGetValue(merchantId, out var merchant))
        {
            merchants[merchantId] = merchant = writer.FindMerchant(merchantId);
        }

        return merchant;
    }

    private sealed class CardWork(CardAccount card)
    {
        public CardAccount Card { get; private set; } = card;

        public bool Changed { get; private set; }

        public List<ChainLink> Accepted { get; } = [];

        /// <summary>Net card-float debit of the batch's accepted records of this card (purchases − loads).</summary>
        public long FloatFen { get; set; }

        public void Update(CardAccount updated)
        {
            Card = updated;
            Changed = true;
        }
    }
}
