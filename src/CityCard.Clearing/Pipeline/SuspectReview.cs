using System.Buffers.Binary;
using System.Text.Json;
using CityCard.Clearing.Ledger;
using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Storage;
using CityCard.Clearing.Verification;
using CityCard.Records;

namespace CityCard.Clearing.Pipeline;

/// <summary>
/// Review of suspect records: accept (the record is posted as if it had cleared, in its own ledger transaction, with
/// its counter claimed and its gap filled) or reject, always with the reviewer's reason. Only suspect records of
/// batches not yet settled are reviewed; a cloned record cannot be accepted (its counter is already accepted).
/// Refusals raise <see cref="ClearingInputException"/> and change nothing.
/// </summary>
public sealed class SuspectReview
{
    // Offsets in the 80-byte record (docs/batch-format.md): discount kind and full fare.
    private const int DiscountOffset = 47;
    private const int FullFareOffset = 48;

    private readonly IClearingStore store;
    private readonly TimeProvider clock;

    /// <summary>Creates the service.</summary>
    public SuspectReview(IClearingStore store, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        this.store = store;
        this.clock = clock;
    }

    /// <summary>
    /// Decides one suspect record, addressed by device, batch number and position in the batch; the decision goes into the
    /// operator log under <paramref name="reviewer"/>, in the same transaction.
    /// </summary>
    public StoredRecord Decide(uint deviceId, uint batchNumber, int index, ReviewDecision decision, string reason, string reviewer) => store.Write(w =>
    {
        if (string.IsNullOrWhiteSpace(reviewer))
        {
            throw new ClearingInputException("review: the reviewer is required");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ClearingInputException("review: a reason is required");
        }

        var batch = w.FindBatch(deviceId, batchNumber) ?? throw new ClearingInputException($"review: device {deviceId} has no cleared batch {batchNumber}");
        var stored = w.FindRecord(batch.BatchId, index) ?? throw new ClearingInputException($"review: batch {batchNumber} of device {deviceId} has no record {index}");
        var record = stored.Record;

        // A review repeated (a retry after a lost answer) gets the same answer and changes nothing; another decision on a
        // reviewed record is refused, naming the one that stands.
        if (record.Reason is ReasonCode.AcceptedOnReview or ReasonCode.RejectedOnReview && w.FindReview(batch.BatchId, index) is { } done)
        {
            return done.Decision == decision && string.Equals(done.Note, reason.Trim(), StringComparison.Ordinal)
                ? stored
                : throw new ClearingInputException($"review: record {index} of batch {batchNumber} of device {deviceId} was already {(done.Decision == ReviewDecision.Accept ? "accepted" : "rejected")} on review ('{done.Note}'); a review decision is final");
        }

        if (batch.SettledOn is { } settled)
        {
            throw new ClearingInputException($"review: batch {batchNumber} of device {deviceId} was settled on {settled:yyyy-MM-dd}; suspects are reviewed before their batch is settled");
        }
        if (record.Outcome != RecordOutcome.Suspect)
        {
            throw new ClearingInputException($"review: record {index} is {record.Outcome.Name()} ({record.Reason.Name()}); only suspect records are reviewed");
        }

        var now = Clock.Now(clock);
        var review = decision switch
        {
            ReviewDecision.Reject => new ReviewWrite { BatchId = batch.BatchId, Record = record with { Reason = ReasonCode.RejectedOnReview }, Decision = decision, Note = reason.Trim(), ReviewedUtc = now },
            ReviewDecision.Accept => Accept(w, batch, record, reason.Trim(), now),
            _ => throw new ClearingInputException($"review: unknown decision {decision}"),
        };
        w.SaveReview(review);
        w.AppendOperatorLog(
            reviewer.Trim(),
            decision == ReviewDecision.Accept ? "suspect-accept" : "suspect-reject",
            $"device {deviceId} batch {batchNumber} record {index}",
            now,
            JsonSerializer.Serialize(new { card = record.Key.Asn.ToString(), outcome = "suspect", reason = record.Reason.Name(), amountFen = record.AmountFen }),
            JsonSerializer.Serialize(new { outcome = review.Record.Outcome.Name(), reason = review.Record.Reason.Name(), note = review.Note }),
            $"review-{deviceId}-{batchNumber}-{index}");
        return stored with { Record = review.Record };
    });

    private static ReviewWrite Accept(IClearingWriter w, StoredBatch batch, ClearedRecord record, string note, DateTimeOffset now)
    {
        if (record.Reason == ReasonCode.ClonedCard)
        {
            throw new ClearingInputException("review: a cloned record cannot be accepted, its card and counter are already accepted; reject it");
        }

        var key = record.Key;
        var card = w.FindCard(key.Asn) ?? throw new ClearingInputException($"review: card {key.Asn} is not registered");
        if (card.Status == CardStatus.Cancelled)
        {
            throw new ClearingInputException($"review: card {key.Asn} is cancelled");
        }

        var opened = new List<RecordKey>();
        var closed = new List<RecordKey>();
        var next = card.Next(key.Kind);
        var openGaps = card.OpenGaps;
        if (key.Counter < card.Start(key.Kind))
        {
            throw new ClearingInputException($"review: counter {key.Counter} is below the card's counter at registration");
        }

        if (key.Counter < next)
        {
            if (!w.IsGapOpen(key))
            {
                throw new ClearingInputException($"review: counter {key.Counter} of card {key.Asn} is already accepted");
            }

            closed.Add(key);
            openGaps--;
        }

        for (var counter = next; counter < key.Counter; counter++)
        {
            opened.Add(key with { Counter = counter });
            openGaps++;
        }

        var newNext = (int)Math.Max(next, key.Counter + 1);
        var load = record.Kind == RecordKind.Load;
        var isTip = record.Order > card.ChainTip;
        var updated = (key.Kind == CounterKind.Online
            ? card with { OnlineNext = newNext, OnlineSeenNext = Math.Max(card.OnlineSeenNext, newNext) }
            : card with { OfflineNext = newNext, OfflineSeenNext = Math.Max(card.OfflineSeenNext, newNext) }) with
        {
            OpenGaps = openGaps,
            ShadowBalanceFen = checked(card.ShadowBalanceFen + (load ? record.AmountFen : -record.AmountFen)),
            ChainTip = isTip ? record.Order : card.ChainTip,
            ChainBalanceFen = isTip ? record.BalanceAfterFen : card.ChainBalanceFen,
        };

        var postings = new PostingBuilder();
        var accepted = record with { Reason = ReasonCode.AcceptedOnReview };
        if (load)
        {
            postings.Add(Account.OutletCash(record.PartyId), record.AmountFen);
            postings.Add(Account.CardFloat(key.Asn), -record.AmountFen);
        }
        else
        {
            var merchant = w.FindMerchant(record.PartyId) ?? throw new ClearingInputException($"review: merchant {record.PartyId} is not registered");
            var discount = (DiscountKind)record.Raw[DiscountOffset];
            var fullFare = BinaryPrimitives.ReadUInt32BigEndian(record.Raw.AsSpan(FullFareOffset));
            var split = PurchaseSplit.Of(record.AmountFen, fullFare, discount == DiscountKind.Concession, merchant.CommissionBps);
            postings.Add(Account.CardFloat(key.Asn), split.AmountFen);
            postings.Add(Account.Of(AccountKind.ConcessionSubsidyReceivable), split.SubsidyFen);
            postings.Add(Account.Payable(merchant.MerchantId), -split.NetFen);
            postings.Add(Account.Of(AccountKind.CommissionIncome), -split.CommissionFen);
            accepted = accepted with { FullFareFen = split.FullFareFen, SubsidyFen = split.SubsidyFen, CommissionFen = split.CommissionFen, CommissionBps = merchant.CommissionBps };
        }

        var ledger = postings.IsEmpty
            ? null
            : new LedgerTransaction(LedgerTransactionKind.ReviewAcceptance, batch.Receipt.BusinessDate!.Value, $"review of batch {batch.BatchId} record {record.Index}", postings.ToPostings());
        return new ReviewWrite
        {
            BatchId = batch.BatchId,
            Record = accepted,
            Decision = ReviewDecision.Accept,
            Note = note,
            ReviewedUtc = now,
            Card = updated,
            GapsOpened = opened,
            GapsClosed = closed,
            Ledger = ledger,
        };
    }
}
