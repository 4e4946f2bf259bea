using System.Globalization;
using CityCard.Clearing.Audit;
using CityCard.Clearing.Settlement;

namespace CityCard.Storage.Sql;

/// <summary>
/// What settlement reads: the batch totals written with each batch (its statements), one pass over the records of the
/// batches it covers (the independent recount, group by group, that its batch checks use), and the settlement audit — the invariants over what
/// changed since the previous settlement's <see cref="LedgerCheckpoint"/>, so a day's settlement costs what the day
/// holds, not what the database holds.
/// </summary>
internal static partial class SqlAudit
{
    /// <summary>
    /// The records of the batches <paramref name="where"/> selects (alias <c>b</c>), per batch, party and rate: counted and
    /// summed per party, rate, outcome and kind by the engine (<see cref="SqlDialect.RecordLines"/>), then made into groups
    /// by the same code that makes them from the batch totals, so the two are compared like with like.
    /// </summary>
    public static List<ScopeGroup> ScopeGroups(SqlSession s, string where, params (string Name, object? Value)[] parameters) =>
        GroupsOf(s.Dialect.RecordLines(s, where, parameters));

    /// <summary>
    /// The groups of the one-connection <c>ScopeGroups</c>, split over the cores when the batches hold at least
    /// <paramref name="parallelFrom"/> records (the settlement's recount).
    /// </summary>
    public static List<ScopeGroup> ScopeGroups(SqlSession s, IReadOnlyList<(long BatchId, long Records)> batches, long parallelFrom, string where, params (string Name, object? Value)[] parameters) =>
        OverCores(s, batches, parallelFrom, where, parameters, ScopeGroups);

    /// <summary>
    /// Per batch, what its records add up to, from their groups (the batch checks of the settlement, which has the groups
    /// already and so reads the records once).
    /// </summary>
    public static List<RecordPass> PassesOf(IReadOnlyList<ScopeGroup> groups) => groups
        .GroupBy(g => g.BatchId)
        .Select(b => new RecordPass(b.Key, b.Sum(g => g.Records), b.Sum(g => g.AmountFen), b.Sum(g => g.AcceptedNetFen), b.Sum(g => g.Misfiled)))
        .OrderBy(p => p.BatchId)
        .ToList();

    /// <summary>
    /// Every group (batch, party, commission rate) whose batch totals differ from what its records add up to, one sentence
    /// each: a count, an amount, a subsidy or a commission moved from one party or rate to another shows as two groups.
    /// </summary>
    public static List<string> GroupsAgainstRecords(IReadOnlyList<ScopeGroup> fromRecords, IReadOnlyList<ScopeGroup> fromTotals)
    {
        // Misfiled records are reported on their own; the totals cannot know them.
        var records = fromRecords.ToDictionary(g => (g.BatchId, g.PartyId, g.CommissionBps), g => g with { Misfiled = 0 });
        var totals = fromTotals.ToDictionary(g => (g.BatchId, g.PartyId, g.CommissionBps));
        var differences = new List<string>();
        foreach (var key in records.Keys.Union(totals.Keys).Order())
        {
            var counted = records.GetValueOrDefault(key);
            var stated = totals.GetValueOrDefault(key);
            if (counted != stated)
            {
                differences.Add($"batch {key.BatchId}, party {key.PartyId} at {key.CommissionBps} bps: its records sum to {Describe(counted)}, its totals to {Describe(stated)}");
            }
        }

        return differences;
    }

    /// <summary>
    /// Whether the query over these batches runs on read connections of its own (enough records, more than one core and
    /// batch), and so never on the session's connection: the settlement then audits the ledger on it meanwhile.
    /// </summary>
    public static bool SplitsOverConnections(IReadOnlyList<(long BatchId, long Records)> batches, long parallelFrom) =>
        batches.Sum(b => b.Records) >= parallelFrom && Parts(batches) >= 2;

    private static int Parts(IReadOnlyList<(long BatchId, long Records)> batches) => Math.Min(Math.Min(Environment.ProcessorCount, 4), batches.Count);

    // A query over the batches selected by where (alias b), run in parts of consecutive batch ids with about the same
    // number of records, each on its own read connection, when there are enough records. Those connections see the
    // committed database; the batches being settled are committed and nothing else can change them while this session
    // holds the write lock.
    private static List<T> OverCores<T>(
        SqlSession s,
        IReadOnlyList<(long BatchId, long Records)> batches,
        long parallelFrom,
        string where,
        (string Name, object? Value)[] parameters,
        Func<SqlSession, string, (string Name, object? Value)[], List<T>> query)
    {
        if (!SplitsOverConnections(batches, parallelFrom))
        {
            return query(s, where, parameters);
        }

        var total = batches.Sum(b => b.Records);
        var parts = Parts(batches);

        var ranges = new List<(long From, long To)>();
        var start = 0;
        long taken = 0;
        for (var i = 0; i < batches.Count; i++)
        {
            taken += batches[i].Records;
            if (taken * parts >= total * (ranges.Count + 1) || i == batches.Count - 1)
            {
                ranges.Add((batches[start].BatchId, batches[i].BatchId));
                start = i + 1;
            }
        }

        var results = new List<T>[ranges.Count];
        Parallel.For(0, ranges.Count, new ParallelOptions { MaxDegreeOfParallelism = parts }, part => results[part] = s.OnReadConnection(reader =>
        {
            var range = parameters.Append(("@range_from", ranges[part].From)).Append(("@range_to", ranges[part].To)).ToArray();
            return query(reader, $"{where} AND b.batch_id BETWEEN @range_from AND @range_to", range);
        }));
        return results.SelectMany(r => r).ToList();
    }

    /// <summary>
    /// The groups of <c>ScopeGroups</c> from the batch totals
    /// written with each batch (and moved by reviews) instead of from the records: a few lines a batch.
    /// </summary>
    public static List<ScopeGroup> TotalGroups(SqlSession s, string where, params (string Name, object? Value)[] parameters)
    {
        var lines = s.Query(
            $"""
            SELECT t.batch_id, t.party_id, t.commission_bps, t.outcome, t.kind, {SqlSession.Sum("t.records")}, {SqlSession.Sum("t.amount_fen")},
              {SqlSession.Sum("t.full_fare_fen")}, {SqlSession.Sum("t.subsidy_fen")}, {SqlSession.Sum("t.commission_fen")}
            FROM batches b JOIN batch_totals t ON t.batch_id = b.batch_id {where}
            GROUP BY t.batch_id, t.party_id, t.commission_bps, t.outcome, t.kind
            """,
            r => (Batch: r.GetInt64(0), Party: r.GetInt64(1), Bps: (int)r.GetInt64(2), Line: new BatchTotal(r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9))),
            parameters);
        return GroupsOf(lines.Select(l => new RecordLine(l.Batch, l.Line, 0)));
    }

    // Lines (batch, party, rate, outcome, kind) made into groups (batch, party, rate): what settles and what is checked.
    private static List<ScopeGroup> GroupsOf(IEnumerable<RecordLine> lines) => lines
        .GroupBy(l => (l.BatchId, l.Line.PartyId, Bps: (int)l.Line.CommissionBps))
        .Select(g =>
        {
            var group = new ScopeGroup(g.Key.BatchId, g.Key.PartyId, g.Key.Bps, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            foreach (var (_, t, misfiled) in g)
            {
                var accepted = t.Outcome == 1;
                var purchase = accepted && t.Kind is 1 or 2;
                var load = accepted && t.Kind == 3;
                group = group with
                {
                    Records = group.Records + t.Records,
                    AmountFen = group.AmountFen + t.AmountFen,
                    AcceptedNetFen = group.AcceptedNetFen + (purchase ? t.AmountFen : load ? -t.AmountFen : 0),
                    Money = group.Money + (purchase || load ? t.Records : 0),
                    Purchases = group.Purchases + (purchase ? t.Records : 0),
                    GrossFen = group.GrossFen + (purchase ? t.FullFareFen : 0),
                    DiscountFen = group.DiscountFen + (purchase ? t.FullFareFen - t.AmountFen - t.SubsidyFen : 0),
                    SubsidyFen = group.SubsidyFen + (purchase || load ? t.SubsidyFen : 0),
                    RevenueFen = group.RevenueFen + (purchase ? t.AmountFen + t.SubsidyFen : 0),
                    CommissionFen = group.CommissionFen + (purchase || load ? t.CommissionFen : 0),
                    NetFen = group.NetFen + (purchase ? t.AmountFen + t.SubsidyFen - t.CommissionFen : 0),
                    Loads = group.Loads + (load ? t.Records : 0),
                    LoadsFen = group.LoadsFen + (load ? t.AmountFen : 0),
                    Misfiled = group.Misfiled + misfiled,
                    Accepted = group.Accepted + (accepted ? t.Records : 0),
                };
            }

            return group;
        })
        // A review can take a group's last record out: nothing left to state or check.
        .Where(g => g.Records != 0 || g.AmountFen != 0)
        .ToList();

    /// <summary>
    /// Per batch <paramref name="where"/> selects: the trailer's figures, the receipt's count, what its stored records add
    /// up to (<paramref name="passes"/>), and what its ledger transactions moved on card float.
    /// </summary>
    public static List<BatchCheck> BatchChecks(SqlSession s, IReadOnlyList<RecordPass> passes, string where, params (string Name, object? Value)[] parameters)
    {
        var stored = passes.ToDictionary(p => p.BatchId);
        return s.Query(
            $"""
            SELECT b.batch_id, b.device_id, b.batch_number, b.declared_records, b.declared_fen, b.accepted + b.duplicate + b.rejected + b.suspect,
              (SELECT {SqlSession.Sum("p.amount_fen")} FROM postings p WHERE p.transaction_id = b.ledger_transaction_id AND p.account = 1)
              -- Reviewed records post in their own transactions: two lookups by transaction id, not an OR.
              + (SELECT {SqlSession.Sum("p.amount_fen")} FROM reviews v JOIN postings p ON p.transaction_id = v.ledger_transaction_id
                 WHERE v.batch_id = b.batch_id AND p.account = 1)
            FROM batches b {where} ORDER BY b.batch_id
            """,
            r =>
            {
                var sum = stored.GetValueOrDefault(r.GetInt64(0));
                return new BatchCheck
                {
                    BatchId = r.GetInt64(0),
                    DeviceId = (uint)r.GetInt64(1),
                    BatchNumber = (uint)r.GetInt64(2),
                    DeclaredRecords = r.GetInt64(3),
                    DeclaredFen = r.GetInt64(4),
                    ReceiptRecords = r.GetInt64(5),
                    StoredRecords = sum?.Records ?? 0,
                    StoredFen = sum?.AmountFen ?? 0,
                    AcceptedNetFen = sum?.AcceptedNetFen ?? 0,
                    PostedCardFloatFen = r.GetInt64(6),
                };
            },
            parameters);
    }

    /// <summary>One statement per party and rate with accepted purchases or loads, the merchant's name and category filled in.</summary>
    public static List<MerchantStatement> Statements(SqlSession s, IReadOnlyList<ScopeGroup> groups)
    {
        var merchants = s.Query("SELECT merchant_id, name, category FROM merchants", r => (Id: r.GetInt64(0), Name: r.GetString(1), Category: r.GetString(2)))
            .ToDictionary(m => m.Id);
        return groups.Where(g => g.Money > 0)
            .GroupBy(g => (g.PartyId, g.CommissionBps))
            .OrderBy(g => g.Key.PartyId).ThenBy(g => g.Key.CommissionBps)
            .Select(g =>
            {
                var merchant = merchants.GetValueOrDefault(g.Key.PartyId);
                return new MerchantStatement
                {
                    MerchantId = (uint)g.Key.PartyId,
                    Name = merchant.Name ?? string.Empty,
                    Category = merchant.Category ?? string.Empty,
                    CommissionBps = g.Key.CommissionBps,
                    Purchases = g.Sum(x => x.Purchases),
                    GrossFen = g.Sum(x => x.GrossFen),
                    DiscountFen = g.Sum(x => x.DiscountFen),
                    ConcessionSubsidyFen = g.Sum(x => x.SubsidyFen),
                    RevenueFen = g.Sum(x => x.RevenueFen),
                    CommissionFen = g.Sum(x => x.CommissionFen),
                    NetFen = g.Sum(x => x.NetFen),
                    Loads = g.Sum(x => x.Loads),
                    LoadsFen = g.Sum(x => x.LoadsFen),
                };
            })
            .ToList();
    }

    /// <summary>
    /// The ledger part of the settlement audit, on this session's connection only: invariant 1 over the ledger
    /// transactions after the previous checkpoint (each balances; the running sum of all postings stays 0); 2 as the
    /// running card float against the sum of every card's shadow balance; 3 for every card with a card-float posting since
    /// the checkpoint (its shadow balance against the balance the card reported in the record at its chain tip). With the
    /// checkpoint the settlement stores.
    /// </summary>
    public static (IReadOnlyList<InvariantResult> Invariants, LedgerCheckpoint Checkpoint) LedgerSinceCheckpoint(SqlSession s)
    {
        var from = LatestCheckpoint(s);
        var last = s.Scalar("SELECT COALESCE(MAX(transaction_id), 0) FROM ledger_transactions");
        var ledger = s.Dialect.ReadLedgerRange(s, from.TransactionId, last);
        var checkpoint = new LedgerCheckpoint(last, from.PostingsFen + ledger.PostingsFen, from.CardFloatFen - ledger.CardFloatPostedFen);
        return ([LedgerSince(ledger, from, checkpoint), CardFloatSince(s, checkpoint), ShadowOfTouchedCards(s, ledger, from.TransactionId, last)], checkpoint);
    }

    /// <summary>
    /// The settlement audit: the ledger part (<see cref="LedgerSinceCheckpoint"/>), 4 for the batches being settled, and
    /// 7 and 8 whole (the operator log and the pending credits are small). Invariants 5 (the unique index on accepted
    /// counters enforces it) and 6 (settlements are made from these statements) are left to the whole-database audit, as
    /// are 1–4 over older history.
    /// </summary>
    public static AuditReport SettlementAudit(SqlSession s, IReadOnlyList<InvariantResult> ledger, IReadOnlyList<BatchCheck> checks, IReadOnlyList<ScopeGroup> recounted, IReadOnlyList<ScopeGroup> totals) =>
        new([.. ledger, RecordsOfBatches(checks, recounted, totals), OperatorLogChained(s), PendingCreditsHeld(s)]);

    private static LedgerCheckpoint LatestCheckpoint(SqlSession s)
    {
        var rows = s.Query(
            "SELECT audited_transaction, audited_postings_fen, audited_card_float_fen FROM settlements WHERE audited_transaction IS NOT NULL ORDER BY business_date DESC LIMIT 1",
            r => new LedgerCheckpoint(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)));
        return rows.Count == 0 ? LedgerCheckpoint.Start : rows[0];
    }

    private static InvariantResult LedgerSince(LedgerRange ledger, LedgerCheckpoint from, LedgerCheckpoint to)
    {
        var differences = ledger.Unbalanced.Select(t => $"transaction {t.TransactionId}: postings sum to {t.SumFen} fen").ToList();
        var figures = new Dictionary<string, long>
        {
            ["fromTransaction"] = from.TransactionId,
            ["toTransaction"] = to.TransactionId,
            ["postingsSumFen"] = to.PostingsFen,
            ["unbalancedTransactions"] = differences.Count,
        };
        if (to.PostingsFen != 0)
        {
            differences.Insert(0, $"all postings up to transaction {to.TransactionId} sum to {to.PostingsFen} fen, not 0");
        }

        return Result(1, Invariants.LedgerBalances, figures, differences, to.PostingsFen == 0);
    }

    private static InvariantResult CardFloatSince(SqlSession s, LedgerCheckpoint to)
    {
        var shadow = s.Scalar($"SELECT {SqlSession.Sum("shadow_balance_fen")} FROM cards");
        var figures = new Dictionary<string, long> { ["cardFloatFen"] = to.CardFloatFen, ["shadowBalancesFen"] = shadow };
        var differences = to.CardFloatFen == shadow ? new List<string>() : [$"card float {to.CardFloatFen} fen, shadow balances sum to {shadow} fen (the whole-database audit names the cards)"];
        return Result(2, Invariants.CardFloat, figures, differences, to.CardFloatFen == shadow);
    }

    // The record at a card's chain tip is its latest accepted transaction (the pipeline keeps the tip); a card with no
    // cleared record yet must still hold its opening balance. Cards with open gaps or chain holes are counted, not
    // judged, as in the whole-database audit; a closed card must hold nothing.
    private static InvariantResult ShadowOfTouchedCards(SqlSession s, LedgerRange ledger, long from, long last)
    {
        var differences = new List<string>();
        var suspects = new List<long>();
        long touched = 0, closed = 0, gapped = 0;
        s.Dialect.VisitTouchedCards(s, ledger, from, last, card =>
        {
            touched++;
            if (card.Closed)
            {
                closed++;
                if (card.ShadowFen != 0)
                {
                    differences.Add($"card {SqlSession.AsnOf(card.Asn)}: closed (refunded or replaced) with a shadow balance of {card.ShadowFen} fen, not 0");
                }
            }
            else if (card.OpenGaps > 0)
            {
                gapped++;
            }
            else if ((card.TipKind == 0 ? card.OpeningFen : card.TipBalanceFen) != card.ShadowFen)
            {
                suspects.Add(card.Asn);
            }
        });

        // The tip is a quick filter. A card it does not explain is judged as the whole-database audit judges it: by its
        // last record in order, and counted, not judged, while its records do not chain yet (some are still on their way).
        var holed = 0;
        for (var first = 0; first < suspects.Count; first += 500)
        {
            foreach (var card in ShadowRows(s, suspects.Skip(first).Take(500).ToList()))
            {
                if (card.Gaps > 0)
                {
                    holed++;
                }
                else if (card.Shadow != card.Card)
                {
                    differences.Add($"card {card.Asn}: shadow balance {card.Shadow} fen, the card reported {card.Card} fen after its last cleared transaction");
                }
            }
        }

        var figures = new Dictionary<string, long>
        {
            ["cardsTouched"] = touched,
            ["cardsWithOpenGaps"] = gapped + holed,
            ["cardsClosed"] = closed,
            ["cardsDisagreeing"] = differences.Count,
        };
        return Result(3, Invariants.ShadowBalance, figures, differences, true);
    }

    private static InvariantResult RecordsOfBatches(IReadOnlyList<BatchCheck> checks, IReadOnlyList<ScopeGroup> recounted, IReadOnlyList<ScopeGroup> totals)
    {
        var differences = new List<string>();
        foreach (var check in checks)
        {
            if (check.ReceiptRecords != check.DeclaredRecords)
            {
                differences.Add($"batch {check.BatchId}: the receipt counts {check.ReceiptRecords} records of {check.DeclaredRecords}");
            }
        }

        var misfiled = recounted.Sum(g => g.Misfiled);
        if (misfiled > 0)
        {
            differences.Add($"{misfiled} records of these batches have a reason that does not belong to their outcome (the whole-database audit lists them)");
        }

        differences.AddRange(GroupsAgainstRecords(recounted, totals));
        var figures = new Dictionary<string, long>
        {
            ["batches"] = checks.Count,
            ["declaredRecords"] = checks.Sum(c => c.DeclaredRecords),
            ["storedRecords"] = recounted.Sum(g => g.Records),
            ["accepted"] = totals.Sum(g => g.Accepted),
        };
        return Result(4, Invariants.RecordsAccounted, figures, differences, true);
    }
}

/// <summary>A batch's records of one party, rate, outcome and kind, counted and summed, with how many are misfiled (an outcome not the one its reason gives).</summary>
internal sealed record RecordLine(long BatchId, BatchTotal Line, long Misfiled);

/// <summary>One batch's records counted and summed, from its groups (see SqlAudit.PassesOf).</summary>
internal sealed record RecordPass(long BatchId, long Records, long AmountFen, long AcceptedNetFen, long Misfiled);

/// <summary>The records of one batch for one party and commission rate, summed (see SqlAudit.ScopeGroups).</summary>
internal sealed record ScopeGroup(
    long BatchId, long PartyId, int CommissionBps, long Records, long AmountFen, long AcceptedNetFen, long Money, long Purchases, long GrossFen,
    long DiscountFen, long SubsidyFen, long RevenueFen, long CommissionFen, long NetFen, long Loads, long LoadsFen, long Misfiled, long Accepted);
