using CityCard.Clearing.Ledger;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Verification;
using CityCard.Security.Ep;

namespace CityCard.Storage.Sql;

/// <summary>The writer half: every change runs inside the session's exclusive transaction.</summary>
internal sealed partial class SqlSession
{
    public void SetSetting(string key, string value)
    {
        if (Execute("UPDATE settings SET value = @value WHERE name = @name", ("@value", value), ("@name", key)) == 0)
        {
            Execute("INSERT INTO settings (name, value) VALUES (@name, @value)", ("@name", key), ("@value", value));
        }
    }

    public bool AddDevice(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (FindDevice(device.DeviceId) is not null)
        {
            return false;
        }

        Execute(
            $"INSERT INTO devices ({DeviceColumns}) VALUES (@id, @kind, @operator, @terminal, @status, @blacklist, @registered)",
            ("@id", device.DeviceId),
            ("@kind", (long)device.Kind),
            ("@operator", device.OperatorId),
            ("@terminal", (long)device.PsamTerminal.Value),
            ("@status", (long)device.Status),
            ("@blacklist", device.BlacklistVersion),
            ("@registered", Seconds(device.RegisteredUtc)));
        return true;
    }

    public bool SetDeviceStatus(uint deviceId, DeviceStatus status) =>
        Execute("UPDATE devices SET status = @status WHERE device_id = @id", ("@status", (long)status), ("@id", deviceId)) == 1;

    public void NoteBlacklistVersion(uint deviceId, uint version) =>
        Execute("UPDATE devices SET blacklist_version = @version WHERE device_id = @id AND blacklist_version < @version", ("@version", version), ("@id", deviceId));

    public bool AddMerchant(Merchant merchant)
    {
        ArgumentNullException.ThrowIfNull(merchant);
        if (FindMerchant(merchant.MerchantId) is not null)
        {
            return false;
        }

        Execute(
            $"INSERT INTO merchants ({MerchantColumns}) VALUES (@id, @name, @category, @bps, @registered)",
            ("@id", merchant.MerchantId),
            ("@name", merchant.Name),
            ("@category", merchant.Category),
            ("@bps", (long)merchant.CommissionBps),
            ("@registered", Seconds(merchant.RegisteredUtc)));
        return true;
    }

    public bool AddCard(CardAccount card, LedgerTransaction sale)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(sale);
        if (FindCard(card.Asn) is not null)
        {
            return false;
        }

        var names = CardColumns.Split(", ").Select(c => "@" + c).ToArray();
        var values = CardValues(card);
        Execute($"INSERT INTO cards ({CardColumns}) VALUES ({string.Join(", ", names)})", names.Zip(values, (n, v) => (n, v is DBNull ? null : v)).ToArray());
        AppendLedger(sale);
        return true;
    }

    public void AddCards(IReadOnlyList<CardAccount> cards, IReadOnlyList<LedgerTransaction> sales)
    {
        ArgumentNullException.ThrowIfNull(cards);
        ArgumentNullException.ThrowIfNull(sales);
        if (cards.Count != sales.Count)
        {
            throw new ArgumentException($"{cards.Count} cards but {sales.Count} sale transactions", nameof(sales));
        }

        if (cards.Count > 0)
        {
            var firstId = Scalar("SELECT COALESCE(MAX(transaction_id), 0) FROM ledger_transactions") + 1;
            dialect.InsertCardSales(this, cards, firstId, sales);
        }
    }

    public bool SetCardStatus(Asn asn, CardStatus status) =>
        Execute("UPDATE cards SET status = @status WHERE asn = @asn", ("@status", (long)status), ("@asn", AsnValue(asn))) == 1;

    public uint AddBlacklistEntry(Asn asn, BlacklistAction action, string reason, DateTimeOffset now)
    {
        var version = checked((uint)(Scalar("SELECT COALESCE(MAX(version), 0) FROM blacklist") + 1));
        Execute(
            "INSERT INTO blacklist (version, asn, action, reason, added_utc) VALUES (@version, @asn, @action, @reason, @added)",
            ("@version", version),
            ("@asn", AsnValue(asn)),
            ("@action", (long)action),
            ("@reason", reason),
            ("@added", Seconds(now)));
        Execute(
            "UPDATE cards SET blacklisted_version = @listed WHERE asn = @asn",
            ("@listed", action == BlacklistAction.Add ? version : null),
            ("@asn", AsnValue(asn)));
        return version;
    }

    public IReadOnlyDictionary<Asn, CardAccount> LoadCards(IReadOnlyCollection<Asn> asns) => dialect.LoadCards(this, asns);

    public IReadOnlyList<PriorRecord> FindPriorRecords(IReadOnlyCollection<RecordKey> keys) => dialect.FindPriorRecords(this, keys);

    public (ChainLink? Before, ChainLink? After) FindNeighbours(Asn asn, OrderKey order)
    {
        const string Columns = "SELECT order_time, counter_kind, counter, balance_before_fen, balance_after_fen FROM records WHERE asn = @asn AND outcome = 1 AND counter_kind <> 3";
        const string Earlier = "(order_time < @time OR (order_time = @time AND (counter_kind < @kind OR (counter_kind = @kind AND counter < @counter))))";
        const string Later = "(order_time > @time OR (order_time = @time AND (counter_kind > @kind OR (counter_kind = @kind AND counter > @counter))))";
        static ChainLink Map(System.Data.Common.DbDataReader r) =>
            new(new OrderKey(r.GetInt64(0), (CounterKind)r.GetInt64(1), r.GetInt64(2)), r.GetInt64(3), r.GetInt64(4));
        (string, object?)[] parameters = [("@asn", AsnValue(asn)), ("@time", order.Time), ("@kind", (long)order.Kind), ("@counter", order.Counter)];
        var before = Query($"{Columns} AND {Earlier} ORDER BY order_time DESC, counter_kind DESC, counter DESC LIMIT 1", Map, parameters);
        var after = Query($"{Columns} AND {Later} ORDER BY order_time, counter_kind, counter LIMIT 1", Map, parameters);
        return (before.Count == 0 ? null : before[0], after.Count == 0 ? null : after[0]);
    }

    public (ChainLink? Lower, ChainLink? Upper) FindCounterNeighbours(Asn asn, CounterKind kind, long counter)
    {
        // Both lookups walk the partial unique index on accepted (asn, counter_kind, counter).
        const string Columns = "SELECT order_time, counter_kind, counter, balance_before_fen, balance_after_fen FROM records WHERE asn = @asn AND outcome = 1 AND counter_kind = @kind";
        static ChainLink Map(System.Data.Common.DbDataReader r) =>
            new(new OrderKey(r.GetInt64(0), (CounterKind)r.GetInt64(1), r.GetInt64(2)), r.GetInt64(3), r.GetInt64(4));
        (string, object?)[] parameters = [("@asn", AsnValue(asn)), ("@kind", (long)kind), ("@counter", counter)];
        var lower = Query($"{Columns} AND counter < @counter ORDER BY counter DESC LIMIT 1", Map, parameters);
        var upper = Query($"{Columns} AND counter > @counter ORDER BY counter LIMIT 1", Map, parameters);
        return (lower.Count == 0 ? null : lower[0], upper.Count == 0 ? null : upper[0]);
    }

    public long SaveBatch(BatchWrite batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inKeyOrder = batch.RecordsInKeyOrder ?? ClearedRecord.InKeyOrder(batch.Records);
        CheckPositions(batch.Header, inKeyOrder, batch.Records.Count);
        var id = Scalar("SELECT COALESCE(MAX(batch_id), 0) FROM batches") + 1;
        long? ledgerId = batch.Ledger is null ? null : AppendLedger(batch.Ledger);
        var header = batch.Header;
        var receipt = batch.Receipt;
        var totals = receipt.Totals;
        Execute(
            """
            INSERT INTO batches (batch_id, device_id, batch_number, device_kind, psam_terminal, operator_id, parameter_version, created_utc, business_date,
              received_utc, file_sha256, declared_records, declared_fen, accepted, accepted_fen, duplicate, duplicate_fen, rejected, rejected_fen, suspect, suspect_fen,
              ledger_transaction_id, settled_on)
            VALUES (@id, @device, @number, @kind, @terminal, @operator, @parameters, @created, @day, @received, @file_sha256, @declared, @declared_fen,
              @accepted, @accepted_fen, @duplicate, @duplicate_fen, @rejected, @rejected_fen, @suspect, @suspect_fen, @ledger, NULL)
            """,
            ("@id", id),
            ("@device", header.DeviceId),
            ("@number", header.BatchNumber),
            ("@kind", (long)header.DeviceKind),
            ("@terminal", (long)header.PsamTerminal.Value),
            ("@operator", header.OperatorId),
            ("@parameters", header.ParameterVersion),
            ("@created", Seconds(header.CreatedUtc)),
            ("@day", Day(receipt.BusinessDate!.Value)),
            ("@received", Seconds(receipt.ReceivedUtc)),
            ("@file_sha256", receipt.FileSha256),
            ("@declared", (long)batch.Records.Count),
            ("@declared_fen", batch.DeclaredAmountFen),
            ("@accepted", totals.Accepted),
            ("@accepted_fen", totals.AcceptedFen),
            ("@duplicate", totals.Duplicate),
            ("@duplicate_fen", totals.DuplicateFen),
            ("@rejected", totals.Rejected),
            ("@rejected_fen", totals.RejectedFen),
            ("@suspect", totals.Suspect),
            ("@suspect_fen", totals.SuspectFen),
            ("@ledger", ledgerId));
        dialect.InsertRecords(this, id, inKeyOrder);
        AppendBatchTotals(id, 1, BatchTotal.Of(batch.Records));
        if (batch.UpdatedCards.Count > 0)
        {
            dialect.UpdateCards(this, batch.UpdatedCards);
        }

        SaveGaps(batch.GapsOpened, "INSERT INTO gaps (asn, counter_kind, counter, opened_utc) VALUES (@asn, @kind, @counter, @opened)", receipt.ReceivedUtc);
        SaveGaps(batch.GapsClosed, "DELETE FROM gaps WHERE asn = @asn AND counter_kind = @kind AND counter = @counter");
        NoteBlacklistVersion(header.DeviceId, batch.BlacklistVersionSeen);
        return id;
    }

    // A record by its batch and position, with its card key: the whole clustered key on SQLite (which has no index on
    // position alone); on PostgreSQL the BRIN index on batch_id narrows it to the batch's blocks (migration 11).
    private const string RecordAt = "batch_id = @batch AND asn = @asn AND counter_kind = @kind AND counter = @counter AND idx = @idx";

    private static (string, object?)[] RecordAtParameters(long batchId, ClearedRecord r) =>
        [("@batch", batchId), ("@asn", AsnValue(r.Key.Asn)), ("@kind", (long)r.Key.Kind), ("@counter", r.Key.Counter), ("@idx", (long)r.Index)];

    // A batch's records are written once, all together, under a batch id new in this transaction, and no other write adds
    // records: so positions 0 to n - 1, each once, make (batch, position) unique without an index on it (on SQLite, an index
    // written in file order while the table is written in key order cost about a sixth of the clearing rate; on PostgreSQL
    // the primary key it replaced cost about a quarter of the server's work per record).
    private static void CheckPositions(CityCard.Records.Batches.BatchHeader header, IReadOnlyList<ClearedRecord> records, int count)
    {
        if (records.Count != count)
        {
            throw new InvalidOperationException($"batch {header.DeviceId}#{header.BatchNumber}: {records.Count} records in key order but {count} in file order");
        }

        var seen = new bool[count];
        foreach (var record in records)
        {
            if (record.Index < 0 || record.Index >= count)
            {
                throw new InvalidOperationException($"batch {header.DeviceId}#{header.BatchNumber}: record position {record.Index} is outside 0..{count - 1}");
            }

            if (seen[record.Index])
            {
                throw new InvalidOperationException($"batch {header.DeviceId}#{header.BatchNumber}: record position {record.Index} appears twice");
            }

            seen[record.Index] = true;
        }
    }

    public void SavePendingLoad(Clearing.Loads.PendingLoad load)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (Execute("UPDATE pending_loads SET status = @status WHERE asn = @asn AND online_counter = @counter", ("@status", (long)load.Status), ("@asn", AsnValue(load.Asn)), ("@counter", (long)load.OnlineCounter)) == 1)
        {
            return;
        }

        Execute(
            "INSERT INTO pending_loads (asn, online_counter, device_id, terminal, balance_before_fen, amount_fen, host_time, mac2, status, authorised_utc) VALUES (@asn, @counter, @device, @terminal, @before, @amount, @host, @mac2, @status, @authorised)",
            ("@asn", AsnValue(load.Asn)),
            ("@counter", (long)load.OnlineCounter),
            ("@device", load.DeviceId),
            ("@terminal", (long)load.Terminal.Value),
            ("@before", load.BalanceBeforeFen),
            ("@amount", load.AmountFen),
            ("@host", Clearing.Verification.OrderKey.TimeNumber(load.HostDateTime)),
            ("@mac2", load.Mac2),
            ("@status", (long)load.Status),
            ("@authorised", Seconds(load.AuthorisedUtc)));
    }

    public bool IsGapOpen(RecordKey key) =>
        Scalar("SELECT COUNT(*) FROM gaps WHERE asn = @asn AND counter_kind = @kind AND counter = @counter", ("@asn", AsnValue(key.Asn)), ("@kind", (long)key.Kind), ("@counter", key.Counter)) > 0;

    public void SaveReview(ReviewWrite review)
    {
        ArgumentNullException.ThrowIfNull(review);
        var r = review.Record;
        // The batch's totals move with the record: its old sums out, its new ones in.
        var before = Query(
            $"SELECT party_id, commission_bps, outcome, kind, amount_fen, full_fare_fen, subsidy_fen, commission_fen FROM records WHERE {RecordAt}",
            row => new BatchTotal(row.GetInt64(0), row.GetInt64(1), row.GetInt64(2), row.GetInt64(3), -1, -row.GetInt64(4), -row.GetInt64(5), -row.GetInt64(6), -row.GetInt64(7)),
            RecordAtParameters(review.BatchId, r));
        var next = Scalar("SELECT COALESCE(MAX(line), 0) FROM batch_totals WHERE batch_id = @batch", ("@batch", review.BatchId)) + 1;
        AppendBatchTotals(review.BatchId, next, [.. before, .. BatchTotal.Of([r])]);
        var changed = Execute(
            $"UPDATE records SET reason = @reason_code, outcome = @outcome, full_fare_fen = @full_fare, subsidy_fen = @subsidy, commission_fen = @commission, commission_bps = @bps WHERE {RecordAt}",
            [
                ("@reason_code", (long)r.Reason),
                ("@outcome", (long)r.Outcome),
                ("@full_fare", r.FullFareFen),
                ("@subsidy", r.SubsidyFen),
                ("@commission", r.CommissionFen),
                ("@bps", (long)r.CommissionBps),
                .. RecordAtParameters(review.BatchId, r),
            ]);
        if (changed != 1)
        {
            throw new InvalidOperationException($"review of batch {review.BatchId} record {r.Index}: {changed} stored records match its batch, position and card key, not 1");
        }
        if (review.Card is { } card)
        {
            dialect.UpdateCards(this, [card]);
        }

        SaveGaps(review.GapsOpened, "INSERT INTO gaps (asn, counter_kind, counter, opened_utc) VALUES (@asn, @kind, @counter, @opened)", review.ReviewedUtc);
        SaveGaps(review.GapsClosed, "DELETE FROM gaps WHERE asn = @asn AND counter_kind = @kind AND counter = @counter");
        long? ledgerId = review.Ledger is null ? null : AppendLedger(review.Ledger);
        Execute(
            "INSERT INTO reviews (batch_id, idx, decision, note, reviewed_utc, ledger_transaction_id) VALUES (@batch, @idx, @decision, @note, @reviewed, @ledger)",
            ("@batch", review.BatchId),
            ("@idx", (long)r.Index),
            ("@decision", (long)review.Decision),
            ("@note", review.Note),
            ("@reviewed", Seconds(review.ReviewedUtc)),
            ("@ledger", ledgerId));
    }

    public void SaveRefusedFile(BatchReceipt receipt, ReadOnlySpan<byte> file)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        Execute(
            "INSERT INTO refused_files (file_sha256, refusal, device_id, batch_number, business_date, message, received_utc, bytes) VALUES (@file_sha256, @refusal, @device, @number, @day, @message, @received, @bytes)",
            ("@file_sha256", receipt.FileSha256),
            ("@refusal", (long)receipt.Refusal!.Value),
            ("@device", receipt.DeviceId),
            ("@number", receipt.BatchNumber),
            ("@day", receipt.BusinessDate is { } day ? Day(day) : null),
            ("@message", receipt.Message),
            ("@received", Seconds(receipt.ReceivedUtc)),
            ("@bytes", file.ToArray()));
    }

    public long AppendLedger(LedgerTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var id = Scalar("SELECT COALESCE(MAX(transaction_id), 0) FROM ledger_transactions") + 1;
        Execute(
            "INSERT INTO ledger_transactions (transaction_id, kind, business_date, reference, reverses) VALUES (@id, @kind, @day, @reference, @reverses)",
            ("@id", id),
            ("@kind", (long)transaction.Kind),
            ("@day", Day(transaction.BusinessDate)),
            ("@reference", transaction.Reference),
            ("@reverses", transaction.Reverses));
        dialect.InsertPostings(this, id, transaction.Postings);
        return id;
    }

    /// <summary>Records from which settlement reads the day's records on several connections at once.</summary>
    internal const long DefaultSettlementParallelFrom = 100_000;

    /// <summary>Records from which this session's settlement reads the day's records on connections of their own (tests lower it).</summary>
    internal long SettlementParallelFrom { get; init; } = DefaultSettlementParallelFrom;

    public SettlementInput LoadSettlementInput(DateOnly businessDay)
    {
        const string Unsettled = "WHERE b.settled_on IS NULL AND b.business_date <= @day";
        var day = ("@day", (object?)Day(businessDay));
        var batches = Query($"SELECT b.batch_id, b.declared_records FROM batches b {Unsettled} ORDER BY b.batch_id", r => (BatchId: r.GetInt64(0), Records: r.GetInt64(1)), day);
        var batchIds = batches.Select(b => b.BatchId).ToList();

        // A big day's recount reads the committed records on connections of its own (nothing can change them while this
        // session holds the write lock): it then runs while this connection audits the ledger.
        var recounting = SqlAudit.SplitsOverConnections(batches, SettlementParallelFrom)
            ? Task.Run(() => SqlAudit.ScopeGroups(this, batches, SettlementParallelFrom, Unsettled, day))
            : null;
        (IReadOnlyList<Clearing.Audit.InvariantResult> Invariants, LedgerCheckpoint Checkpoint) ledger;
        try
        {
            ledger = SqlAudit.LedgerSinceCheckpoint(this);
        }
        catch
        {
            // The recount is not left running behind the failure.
            try
            {
                recounting?.Wait();
            }
            catch (AggregateException)
            {
                // The ledger audit's failure is the one reported.
            }

            throw;
        }

        var recounted = recounting is null ? SqlAudit.ScopeGroups(this, batches, SettlementParallelFrom, Unsettled, day) : recounting.GetAwaiter().GetResult();
        var groups = SqlAudit.TotalGroups(this, Unsettled, day);
        var checks = SqlAudit.BatchChecks(this, SqlAudit.PassesOf(recounted), Unsettled, day);
        var claims = SqlAudit.ClaimRecords(this, Unsettled, day);
        var audit = SqlAudit.SettlementAudit(this, ledger.Invariants, checks, recounted, groups);
        var checkpoint = ledger.Checkpoint;
        return new SettlementInput(batchIds, SqlAudit.WithClaims(SqlAudit.Statements(this, groups), claims), checks)
        {
            ClaimDifferences = claims.Where(c => c.ClaimedFen != c.AmountFen)
                .Select(c => $"batch {c.BatchId} record {c.Index}: the load of card {c.Asn} (online counter {c.OnlineCounter}) wrote {c.AmountFen} fen, its pending credits are {c.ClaimedFen} fen")
                .ToList(),
            Audit = audit,
            Checkpoint = checkpoint,
        };
    }

    public void SaveSettlement(SettlementReport report, IReadOnlyList<long> batchIds, LedgerTransaction? payout, LedgerCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(batchIds);
        ArgumentNullException.ThrowIfNull(checkpoint);
        long? ledgerId = payout is null ? null : AppendLedger(payout);
        var day = Day(report.Date);
        Execute(
            """
            INSERT INTO settlements (business_date, created_utc, batches, differences, ledger_transaction_id, audited_transaction, audited_postings_fen, audited_card_float_fen)
            VALUES (@day, @created, @batches, @differences, @ledger, @audited, @audited_postings, @audited_card_float)
            """,
            ("@day", day),
            ("@created", Seconds(report.CreatedUtc)),
            ("@batches", (long)report.Batches),
            ("@differences", string.Join('\n', report.Differences)),
            ("@ledger", ledgerId),
            ("@audited", checkpoint.TransactionId),
            ("@audited_postings", checkpoint.PostingsFen),
            ("@audited_card_float", checkpoint.CardFloatFen));
        foreach (var s in report.Statements)
        {
            Execute(
                """
                INSERT INTO settlement_statements (business_date, merchant_id, commission_bps, name, category, purchases, gross_fen, discount_fen, subsidy_fen,
                  revenue_fen, commission_fen, net_fen, loads, loads_fen, claims, claims_fen)
                VALUES (@day, @merchant, @bps, @name, @category, @purchases, @gross, @discount, @subsidy, @revenue, @commission, @net, @loads, @loads_fen, @claims, @claims_fen)
                """,
                ("@day", day),
                ("@merchant", s.MerchantId),
                ("@bps", (long)s.CommissionBps),
                ("@name", s.Name),
                ("@category", s.Category),
                ("@purchases", s.Purchases),
                ("@gross", s.GrossFen),
                ("@discount", s.DiscountFen),
                ("@subsidy", s.ConcessionSubsidyFen),
                ("@revenue", s.RevenueFen),
                ("@commission", s.CommissionFen),
                ("@net", s.NetFen),
                ("@loads", s.Loads),
                ("@loads_fen", s.LoadsFen),
                ("@claims", s.Claims),
                ("@claims_fen", s.ClaimsFen));
        }

        using var mark = Prepare("UPDATE batches SET settled_on = @day WHERE batch_id = @id", "@day", "@id");
        foreach (var id in batchIds)
        {
            mark.Parameters[0].Value = day;
            mark.Parameters[1].Value = id;
            mark.ExecuteNonQuery();
        }
    }

    private void AppendBatchTotals(long batchId, long firstLine, IReadOnlyList<BatchTotal> totals)
    {
        using var insert = Prepare(
            "INSERT INTO batch_totals (batch_id, line, party_id, commission_bps, outcome, kind, records, amount_fen, full_fare_fen, subsidy_fen, commission_fen) VALUES (@batch, @line, @party, @bps, @outcome, @kind, @records, @amount, @full_fare, @subsidy, @commission)",
            "@batch", "@line", "@party", "@bps", "@outcome", "@kind", "@records", "@amount", "@full_fare", "@subsidy", "@commission");
        var line = firstLine;
        foreach (var t in totals)
        {
            object[] values = [batchId, line++, t.PartyId, t.CommissionBps, t.Outcome, t.Kind, t.Records, t.AmountFen, t.FullFareFen, t.SubsidyFen, t.CommissionFen];
            for (var i = 0; i < values.Length; i++)
            {
                insert.Parameters[i].Value = values[i];
            }

            insert.ExecuteNonQuery();
        }
    }

    internal static string Sum(string expression) => $"CAST(COALESCE(SUM({expression}), 0) AS BIGINT)";

    // Inserts pass the time the gaps were opened (the "long-open gaps" alarm reads it); deletes pass none.
    private void SaveGaps(IReadOnlyList<RecordKey> gaps, string sql, DateTimeOffset? opened = null)
    {
        if (gaps.Count == 0)
        {
            return;
        }

        using var command = opened is null ? Prepare(sql, "@asn", "@kind", "@counter") : Prepare(sql, "@asn", "@kind", "@counter", "@opened");
        foreach (var gap in gaps)
        {
            command.Parameters[0].Value = AsnValue(gap.Asn);
            command.Parameters[1].Value = (long)gap.Kind;
            command.Parameters[2].Value = gap.Counter;
            if (opened is { } instant)
            {
                command.Parameters[3].Value = Seconds(instant);
            }

            command.ExecuteNonQuery();
        }
    }

    // ---- parameter publication ----

    public uint AddParameterContent(string content, string note, DateTimeOffset now)
    {
        var version = checked((uint)(Scalar("SELECT COALESCE(MAX(content_version), 0) FROM parameter_contents") + 1));
        Execute(
            "INSERT INTO parameter_contents (content_version, content, note, set_utc) VALUES (@version, @content, @note, @set)",
            ("@version", version),
            ("@content", content),
            ("@note", note),
            ("@set", Seconds(now)));
        return version;
    }

    public void AddParameterPublication(Clearing.Parameters.ParameterPublication publication)
    {
        ArgumentNullException.ThrowIfNull(publication);
        Execute(
            "INSERT INTO parameter_versions (version, content_version, blacklist_version, published_utc, payload_sha256) VALUES (@version, @content_version, @blacklist, @published, @sha256)",
            ("@version", publication.Version),
            ("@content_version", publication.ContentVersion),
            ("@blacklist", publication.BlacklistVersion),
            ("@published", Seconds(publication.PublishedUtc)),
            ("@sha256", publication.PayloadSha256));
    }

    public bool NoteParameterPickup(Clearing.Parameters.ParameterPickup pickup)
    {
        ArgumentNullException.ThrowIfNull(pickup);
        if (Scalar("SELECT COUNT(*) FROM parameter_pickups WHERE device_id = @device AND version = @version", ("@device", pickup.DeviceId), ("@version", pickup.Version)) > 0)
        {
            return false;
        }

        Execute(
            "INSERT INTO parameter_pickups (device_id, version, blacklist_version, delta, picked_up_utc) VALUES (@device, @version, @blacklist, @delta, @picked)",
            ("@device", pickup.DeviceId),
            ("@version", pickup.Version),
            ("@blacklist", pickup.BlacklistVersion),
            ("@delta", pickup.Delta ? 1L : 0L),
            ("@picked", Seconds(pickup.PickedUpUtc)));
        return true;
    }
}
