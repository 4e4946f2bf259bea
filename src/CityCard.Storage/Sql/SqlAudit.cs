using System.Globalization;
using CityCard.Clearing.Audit;
using CityCard.Clearing.Ledger;
using CityCard.Clearing.Settlement;

namespace CityCard.Storage.Sql;

/// <summary>The DESIGN.md §6 invariants as portable SQL over the whole database, with figures and named differences.</summary>
internal static partial class SqlAudit
{
    private const int MaxListed = 50;

    public static AuditReport Run(SqlSession s, DateTimeOffset? asOf)
    {
        (int Days, long Gaps, long Cards, long? Oldest)? longOpen = asOf is { } now ? LongOpenGaps(s, now) : null;
        var shadow = ShadowBalance(s);
        if (longOpen is { } found)
        {
            // Long-open gaps are an alarm to follow up (a lost batch, a broken terminal, or a card used where it should
            // not be), not a broken invariant: the money is consistent either way, and failing the audit would block
            // settlement for something outside the centre's control (docs/clearing.md).
            shadow = shadow with
            {
                Figures = new Dictionary<string, long>(shadow.Figures)
                {
                    ["gapWaitingPeriodDays"] = found.Days,
                    ["gapsOpenLongerThanWaitingPeriod"] = found.Gaps,
                    ["cardsWithLongOpenGaps"] = found.Cards,
                },
            };
        }

        return new AuditReport([LedgerBalances(s), CardFloat(s), shadow, RecordsAccounted(s), UniqueCounters(s), SettlementNet(s), OperatorLogChained(s), PendingCreditsHeld(s)])
        {
            Warnings = longOpen is { Gaps: > 0 } alarm
                ? [string.Create(CultureInfo.InvariantCulture, $"{alarm.Gaps} gaps on {alarm.Cards} cards have been open longer than the {alarm.Days}-day waiting period{(alarm.Oldest is { } oldest ? $" (the oldest since {SqlSession.Instant(oldest):yyyy-MM-dd HH:mm:ss} UTC)" : string.Empty)}; list them with 'citycard centre gaps'")]
                : [],
        };
    }

    private static (int Days, long Gaps, long Cards, long? Oldest) LongOpenGaps(SqlSession s, DateTimeOffset now)
    {
        var days = Settings.GapWaiting(s);
        var cutoff = SqlSession.Seconds(now) - (days * 86_400L);
        var row = s.Query(
            "SELECT COUNT(*), COUNT(DISTINCT asn), MIN(opened_utc) FROM gaps WHERE opened_utc IS NULL OR opened_utc <= @cutoff",
            r => (Gaps: r.GetInt64(0), Cards: r.GetInt64(1), Oldest: r.IsDBNull(2) ? (long?)null : r.GetInt64(2)),
            ("@cutoff", cutoff))[0];
        return (days, row.Gaps, row.Cards, row.Oldest);
    }

    private static InvariantResult Result(int number, string id, Dictionary<string, long> figures, List<string> differences, bool ok) =>
        new(number, id, Invariants.Title(number), ok && differences.Count == 0, figures, differences.Take(MaxListed).ToList());

    private static InvariantResult LedgerBalances(SqlSession s)
    {
        var total = s.Scalar($"SELECT {SqlSession.Sum("amount_fen")} FROM postings");
        var unbalanced = s.Query(
            $"SELECT transaction_id, {SqlSession.Sum("amount_fen")} FROM postings GROUP BY transaction_id HAVING SUM(amount_fen) <> 0 ORDER BY transaction_id",
            r => $"transaction {r.GetInt64(0)}: postings sum to {r.GetInt64(1)} fen");
        var figures = new Dictionary<string, long>
        {
            ["postingsSumFen"] = total,
            ["transactions"] = s.Scalar("SELECT COUNT(*) FROM ledger_transactions"),
            ["postings"] = s.Scalar("SELECT COUNT(*) FROM postings"),
            ["unbalancedTransactions"] = unbalanced.Count,
        };
        if (total != 0)
        {
            unbalanced.Insert(0, $"all postings sum to {total} fen, not 0");
        }

        return Result(1, Invariants.LedgerBalances, figures, unbalanced, total == 0);
    }

    private static InvariantResult CardFloat(SqlSession s)
    {
        var ledger = -s.Scalar($"SELECT {SqlSession.Sum("amount_fen")} FROM postings WHERE account = 1");
        var shadow = s.Scalar($"SELECT {SqlSession.Sum("shadow_balance_fen")} FROM cards");
        var differences = s.Query(
            $"""
            SELECT c.asn, c.shadow_balance_fen, COALESCE(-p.total, 0) FROM cards c
            LEFT JOIN (SELECT sub, {SqlSession.Sum("amount_fen")} AS total FROM postings WHERE account = 1 GROUP BY sub) p ON p.sub = c.asn
            WHERE c.shadow_balance_fen <> COALESCE(-p.total, 0) ORDER BY c.asn
            """,
            r => $"card {SqlSession.AsnOf(r.GetInt64(0))}: shadow balance {r.GetInt64(1)} fen, card float postings {r.GetInt64(2)} fen");
        differences.AddRange(s.Query(
            $"SELECT p.sub, {SqlSession.Sum("p.amount_fen")} FROM postings p WHERE p.account = 1 AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.asn = p.sub) GROUP BY p.sub",
            r => $"card float of unregistered card {SqlSession.AsnOf(r.GetInt64(0))}: {-r.GetInt64(1)} fen"));
        // The deposits beside the float: what the card deposits account holds equals the deposits the cards hold (a sale
        // or product change posts what it sets, a refund or closure posts back what it zeroes, a replacement carries it).
        var deposits = -s.Scalar($"SELECT {SqlSession.Sum("amount_fen")} FROM postings WHERE account = {(long)AccountKind.CardDeposits}");
        var held = s.Scalar($"SELECT {SqlSession.Sum("deposit_fen")} FROM cards");
        var figures = new Dictionary<string, long>
        {
            ["cardFloatFen"] = ledger,
            ["shadowBalancesFen"] = shadow,
            ["cards"] = s.Scalar("SELECT COUNT(*) FROM cards"),
            ["cardsDisagreeing"] = differences.Count,
            ["cardDepositsFen"] = deposits,
            ["depositsHeldFen"] = held,
        };
        if (deposits != held)
        {
            differences.Insert(0, $"card deposits account holds {deposits} fen, the cards' deposits sum to {held} fen");
        }

        if (ledger != shadow)
        {
            differences.Insert(0, $"card float {ledger} fen, shadow balances sum to {shadow} fen");
        }

        return Result(2, Invariants.CardFloat, figures, differences, ledger == shadow && deposits == held);
    }

    private static InvariantResult ShadowBalance(SqlSession s)
    {
        var rows = ShadowRows(s, null);
        var closed = rows.Count(r => r.Closed);
        var withGaps = rows.Count(r => r.Gaps > 0 && !r.Closed);
        var differences = rows
            .Where(r => !r.Closed && r.Gaps == 0 && r.Shadow != r.Card)
            .Select(r => $"card {r.Asn}: shadow balance {r.Shadow} fen, the card reported {r.Card} fen after its last cleared transaction")
            .ToList();
        differences.AddRange(rows.Where(r => r.Closed && r.Shadow != 0).Select(r => $"card {r.Asn}: closed (refunded or replaced) with a shadow balance of {r.Shadow} fen, not 0"));
        var figures = new Dictionary<string, long>
        {
            ["cardsChecked"] = rows.Count - withGaps - closed,
            ["cardsWithOpenGaps"] = withGaps,
            ["cardsClosed"] = closed,
            ["openGaps"] = s.Scalar("SELECT COUNT(*) FROM gaps"),
            ["cardsDisagreeing"] = differences.Count,
        };
        return Result(3, Invariants.ShadowBalance, figures, differences, true);
    }

    /// <summary>
    /// Per card (all, or those of <paramref name="asns"/>): the shadow balance, the balance the card reported in its last
    /// accepted record (by order key; the opening balance without one), its open gaps plus chain holes, and whether the
    /// lifecycle closed it.
    /// </summary>
    internal static List<(CityCard.Security.Ep.Asn Asn, long Shadow, long Card, long Gaps, bool Closed)> ShadowRows(SqlSession s, IReadOnlyCollection<long>? asns)
    {
        var only = asns is null ? string.Empty : $" AND asn IN ({string.Join(", ", asns.Select(a => a.ToString(CultureInfo.InvariantCulture)))})";

        // Each card's accepted records in order (one sort, read as they come): the balance after the last one, and the
        // links where a record's balance before is not the previous one's balance after (holes: records still on their way).
        var chains = new Dictionary<long, (long Last, long Holes)>();
        long current = 0;
        long? previousAfter = null;
        s.ForEach(
            $"SELECT asn, balance_before_fen, balance_after_fen FROM records WHERE outcome = 1 AND counter_kind <> 3{only} ORDER BY asn, order_time, counter_kind, counter",
            r =>
            {
                var asn = r.GetInt64(0);
                var before = r.GetInt64(1);
                var after = r.GetInt64(2);
                if (previousAfter is null || asn != current)
                {
                    current = asn;
                    chains[asn] = (after, 0);
                }
                else
                {
                    var chain = chains[asn];
                    chains[asn] = (after, chain.Holes + (before != previousAfter ? 1 : 0));
                }

                previousAfter = after;
            });
        return s.Query(
            $"""
            SELECT c.asn, c.shadow_balance_fen, c.opening_balance_fen, c.open_gaps, CASE WHEN cp.closed_as IS NULL THEN 0 ELSE 1 END FROM cards c
            LEFT JOIN card_profiles cp ON cp.asn = c.asn
            WHERE 1 = 1{only.Replace("asn IN", "c.asn IN", StringComparison.Ordinal)}
            ORDER BY c.asn
            """,
            // A card whose accepted records do not chain yet has records still on their way (a late outlet or bus batch);
            // like a card with an open counter gap, it is counted, not judged, until they arrive.
            // A card closed by the lifecycle (refunded or replaced) had its value paid out or moved: its shadow balance must be 0.
            r =>
            {
                var chain = chains.TryGetValue(r.GetInt64(0), out var found) ? found : (Last: r.GetInt64(2), Holes: 0L);
                return (Asn: SqlSession.AsnOf(r.GetInt64(0)), Shadow: r.GetInt64(1), Card: chain.Last, Gaps: r.GetInt64(3) + chain.Holes, Closed: r.GetInt64(4) == 1);
            });
    }

    private static InvariantResult RecordsAccounted(SqlSession s)
    {
        var differences = new List<string>();
        var recounted = ScopeGroups(s, string.Empty);
        var checks = BatchChecks(s, PassesOf(recounted), string.Empty);
        foreach (var check in checks)
        {
            var name = $"batch {check.BatchId} (device {check.DeviceId} #{check.BatchNumber})";
            if (check.DeclaredRecords != check.StoredRecords || check.DeclaredFen != check.StoredFen)
            {
                differences.Add($"{name}: the trailer declares {check.DeclaredRecords} records / {check.DeclaredFen} fen, {check.StoredRecords} records / {check.StoredFen} fen are stored");
            }

            if (check.AcceptedNetFen != check.PostedCardFloatFen)
            {
                differences.Add($"{name}: accepted purchases less loads are {check.AcceptedNetFen} fen, card float postings move {check.PostedCardFloatFen} fen");
            }
        }

        differences.AddRange(LedgerLinesAgainstRecords(s, recounted, checks.ToDictionary(c => c.BatchId, c => $"batch {c.BatchId} (device {c.DeviceId} #{c.BatchNumber})")));

        // The batch totals settlement states from, group by group, against the records as they are now.
        differences.AddRange(GroupsAgainstRecords(recounted, TotalGroups(s, string.Empty)));
        differences.AddRange(s.Query(
            "SELECT batch_id, declared_records, accepted + duplicate + rejected + suspect FROM batches WHERE declared_records <> accepted + duplicate + rejected + suspect ORDER BY batch_id",
            r => $"batch {r.GetInt64(0)}: the receipt counts {r.GetInt64(2)} records of {r.GetInt64(1)}"));
        differences.AddRange(s.Query(
            "SELECT batch_id, idx, reason, outcome FROM records WHERE outcome <> reason / 100 ORDER BY batch_id, idx",
            r => $"batch {r.GetInt64(0)} record {r.GetInt64(1)}: reason {r.GetInt64(2)} does not belong to outcome {r.GetInt64(3)}"));
        differences.AddRange(s.Query(
            "SELECT t.transaction_id FROM ledger_transactions t WHERE t.kind = 1 AND NOT EXISTS (SELECT 1 FROM batches b WHERE b.ledger_transaction_id = t.transaction_id) ORDER BY t.transaction_id",
            r => $"transaction {r.GetInt64(0)}: a batch clearing posted for no stored batch"));
        long Count(string where) => s.Scalar($"SELECT COUNT(*) FROM records {where}");
        var figures = new Dictionary<string, long>
        {
            ["batches"] = s.Scalar("SELECT COUNT(*) FROM batches"),
            ["declaredRecords"] = s.Scalar($"SELECT {SqlSession.Sum("declared_records")} FROM batches"),
            ["storedRecords"] = Count(string.Empty),
            ["accepted"] = Count("WHERE outcome = 1"),
            ["duplicate"] = Count("WHERE outcome = 2"),
            ["rejected"] = Count("WHERE outcome = 3"),
            ["suspect"] = Count("WHERE outcome = 4"),
            ["refusedFiles"] = s.Scalar("SELECT COUNT(*) FROM refused_files"),
        };
        return Result(4, Invariants.RecordsAccounted, figures, differences, true);
    }

    /// <summary>
    /// Each batch's ledger lines other than card float — in its own transaction and its reviews' — against what its
    /// accepted records make: per merchant the payable (−net), the commission income (−commission), the concession
    /// subsidy receivable and per outlet operator the cash (loads). The card float lines are the batch checks' above; a
    /// line moved to another account or party keeps every transaction balanced and the card float unchanged, so only
    /// this finds it.
    /// </summary>
    private static List<string> LedgerLinesAgainstRecords(SqlSession s, IReadOnlyList<ScopeGroup> recounted, Dictionary<long, string> names)
    {
        var made = new Dictionary<(long Batch, long Account, long Sub), long>();
        var posted = new Dictionary<(long Batch, long Account, long Sub), long>();
        static void Add(Dictionary<(long, long, long), long> lines, (long, long, long) key, long fen) => lines[key] = checked(lines.GetValueOrDefault(key) + fen);
        foreach (var g in recounted)
        {
            Add(made, (g.BatchId, (long)AccountKind.MerchantPayable, g.PartyId), -g.NetFen);
            Add(made, (g.BatchId, (long)AccountKind.CommissionIncome, 0), -g.CommissionFen);
            Add(made, (g.BatchId, (long)AccountKind.ConcessionSubsidyReceivable, 0), g.SubsidyFen);
            Add(made, (g.BatchId, (long)AccountKind.OutletCash, g.PartyId), g.LoadsFen);
        }

        var accounts = $"{(long)AccountKind.OutletCash}, {(long)AccountKind.MerchantPayable}, {(long)AccountKind.CommissionIncome}, {(long)AccountKind.ConcessionSubsidyReceivable}";
        s.ForEach(
            $"""
            SELECT b.batch_id, p.account, p.sub, {SqlSession.Sum("p.amount_fen")} FROM batches b JOIN postings p ON p.transaction_id = b.ledger_transaction_id
            WHERE p.account IN ({accounts}) GROUP BY b.batch_id, p.account, p.sub
            UNION ALL
            SELECT v.batch_id, p.account, p.sub, {SqlSession.Sum("p.amount_fen")} FROM reviews v JOIN postings p ON p.transaction_id = v.ledger_transaction_id
            WHERE p.account IN ({accounts}) GROUP BY v.batch_id, p.account, p.sub
            """,
            r => Add(posted, (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)), r.GetInt64(3)));
        return made.Keys.Union(posted.Keys)
            .Where(key => made.GetValueOrDefault(key) != posted.GetValueOrDefault(key))
            .Order()
            .Select(key =>
            {
                var account = (AccountKind)key.Account switch
                {
                    AccountKind.MerchantPayable => $"payable to merchant {key.Sub}",
                    AccountKind.OutletCash => $"cash of outlet {key.Sub}",
                    AccountKind.CommissionIncome => "commission income",
                    _ => "concession subsidy receivable",
                };
                var name = names.TryGetValue(key.Batch, out var known) ? known : $"batch {key.Batch}";
                return $"{name}: {account}: its accepted records make {made.GetValueOrDefault(key)} fen, its postings move {posted.GetValueOrDefault(key)} fen";
            })
            .ToList();
    }

    private static string Describe(ScopeGroup? g) => g is null
        ? "nothing"
        : $"{g.Records} records / {g.AmountFen} fen ({g.Accepted} accepted, {g.Purchases} purchases grossing {g.GrossFen} fen, {g.Loads} loads of {g.LoadsFen} fen, commission {g.CommissionFen} fen)";

    private static InvariantResult UniqueCounters(SqlSession s)
    {
        var differences = s.Query(
            "SELECT asn, counter_kind, counter, COUNT(*) FROM records WHERE outcome = 1 AND counter_kind <> 3 GROUP BY asn, counter_kind, counter HAVING COUNT(*) > 1 ORDER BY asn, counter_kind, counter",
            r => $"card {SqlSession.AsnOf(r.GetInt64(0))}: {(r.GetInt64(1) == 1 ? "offline" : "online")} counter {r.GetInt64(2)} accepted {r.GetInt64(3)} times");
        var figures = new Dictionary<string, long>
        {
            ["acceptedCounters"] = s.Scalar("SELECT COUNT(*) FROM records WHERE outcome = 1 AND counter_kind <> 3"),
            ["duplicatedCounters"] = differences.Count,
        };
        return Result(5, Invariants.UniqueCounters, figures, differences, true);
    }

    private static InvariantResult SettlementNet(SqlSession s)
    {
        static string Key(long day, long merchant) => $"{day.ToString(CultureInfo.InvariantCulture)}/{merchant.ToString(CultureInfo.InvariantCulture)}";
        var statements = s.Query(
            $"SELECT business_date, merchant_id, {SqlSession.Sum("net_fen")} FROM settlement_statements GROUP BY business_date, merchant_id",
            r => (Key: Key(r.GetInt64(0), r.GetInt64(1)), Net: r.GetInt64(2))).ToDictionary(x => x.Key, x => x.Net, StringComparer.Ordinal);
        var records = s.Query(
            $"""
            SELECT b.settled_on, r.party_id, {SqlSession.Sum("r.amount_fen + r.subsidy_fen - r.commission_fen")} FROM records r JOIN batches b ON b.batch_id = r.batch_id
            WHERE b.settled_on IS NOT NULL AND r.outcome = 1 AND r.kind IN (1, 2) GROUP BY b.settled_on, r.party_id
            """,
            r => (Key: Key(r.GetInt64(0), r.GetInt64(1)), Net: r.GetInt64(2))).ToDictionary(x => x.Key, x => x.Net, StringComparer.Ordinal);
        var paid = s.Query(
            $"""
            SELECT st.business_date, p.sub, {SqlSession.Sum("p.amount_fen")} FROM settlements st JOIN postings p ON p.transaction_id = st.ledger_transaction_id
            WHERE p.account = 4 GROUP BY st.business_date, p.sub
            """,
            r => (Key: Key(r.GetInt64(0), r.GetInt64(1)), Paid: r.GetInt64(2))).ToDictionary(x => x.Key, x => x.Paid, StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var key in statements.Keys.Union(records.Keys).Union(paid.Keys).Order(StringComparer.Ordinal))
        {
            statements.TryGetValue(key, out var statement);
            records.TryGetValue(key, out var net);
            paid.TryGetValue(key, out var payout);
            if (statement != net || payout != net)
            {
                differences.Add($"settlement {key.Replace("/", ", merchant ", StringComparison.Ordinal)}: accepted purchases − commission {net} fen, statement {statement} fen, paid {payout} fen");
            }
        }

        var figures = new Dictionary<string, long>
        {
            ["settlements"] = s.Scalar("SELECT COUNT(*) FROM settlements"),
            ["statements"] = s.Scalar("SELECT COUNT(*) FROM settlement_statements"),
            ["purchasesLessCommissionFen"] = records.Values.Sum(),
            ["paidFen"] = paid.Values.Sum(),
        };
        CheckRemittances(s, differences, figures);
        return Result(6, Invariants.SettlementNet, figures, differences, true);
    }
}
