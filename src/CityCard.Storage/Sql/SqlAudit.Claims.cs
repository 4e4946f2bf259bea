using System.Globalization;
using CityCard.Clearing.Lifecycle;
using CityCard.Clearing.Settlement;

namespace CityCard.Storage.Sql;

/// <summary>
/// Loads that claimed pending credits, found from the records: an accepted load record whose card, online counter and
/// uploading device are those the credits were reserved under. The outlet took no cash for them, so settlement nets
/// them out of its remittance and invariant 6 checks that it did.
/// </summary>
internal static partial class SqlAudit
{
    /// <summary>
    /// The claiming load records of the batches <paramref name="where"/> selects (alias <c>b</c>), with the credits each claimed.
    /// Driven from the credits (few) into the records by the accepted-key index: loads run on the online counter (kind 2).
    /// The CROSS JOIN keeps it so on SQLite, whose planner otherwise started from the unsettled batches and read every record
    /// of the day (a Bloom filter on the credits per record): 2.5 s of a 20,000,000-record settlement with no credits at all.
    /// </summary>
    public static List<ClaimRecord> ClaimRecords(SqlSession s, string where, params (string Name, object? Value)[] parameters) => s.Query(
        ClaimRecordsSql(where),
        r => new ClaimRecord(r.GetInt64(0), r.GetInt64(1), SqlSession.AsnOf(r.GetInt64(2)), (ushort)r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4),
            (uint)r.GetInt64(5), (int)r.GetInt64(6), r.GetInt64(7), r.GetInt64(8)),
        parameters);

    /// <summary>The query of <see cref="ClaimRecords"/> (its plan is tested).</summary>
    internal static string ClaimRecordsSql(string where)
    {
        var held = string.Create(CultureInfo.InvariantCulture, $"{(long)PendingCreditStatus.Reserved}, {(long)PendingCreditStatus.Claimed}");
        return $"""
            SELECT b.batch_id, r.idx, r.asn, r.counter, b.settled_on, r.party_id, r.commission_bps, r.amount_fen, c.claimed_fen
            FROM (SELECT asn, load_counter, load_device, {SqlSession.Sum("amount_fen")} AS claimed_fen FROM pending_credits
                  WHERE status IN ({held}) AND load_counter IS NOT NULL GROUP BY asn, load_counter, load_device) c
            CROSS JOIN records r
            JOIN batches b ON b.batch_id = r.batch_id AND b.device_id = c.load_device
            {where} AND r.asn = c.asn AND r.counter_kind = 2 AND r.counter = c.load_counter AND r.outcome = 1 AND r.kind = 3
            ORDER BY b.batch_id, r.idx
            """;
    }

    /// <summary>The statements with their claims filled in from <paramref name="claims"/> (by merchant and rate).</summary>
    public static List<MerchantStatement> WithClaims(IReadOnlyList<MerchantStatement> statements, IReadOnlyList<ClaimRecord> claims) =>
        statements.Select(statement =>
        {
            var mine = claims.Where(c => c.PartyId == statement.MerchantId && c.CommissionBps == statement.CommissionBps).ToList();
            return statement with { Claims = mine.Count, ClaimsFen = mine.Sum(c => c.ClaimedFen) };
        }).ToList();

    /// <summary>Per settlement and outlet: the cash it owed (accepted loads − claims), the statement's remittance and what the ledger took in.</summary>
    private static void CheckRemittances(SqlSession s, List<string> differences, Dictionary<string, long> figures)
    {
        static string Key(long day, long merchant) => $"{day.ToString(CultureInfo.InvariantCulture)}/{merchant.ToString(CultureInfo.InvariantCulture)}";
        var statements = s.Query(
            $"SELECT business_date, merchant_id, {SqlSession.Sum("loads_fen - claims_fen")} FROM settlement_statements GROUP BY business_date, merchant_id",
            r => (Key: Key(r.GetInt64(0), r.GetInt64(1)), Fen: r.GetInt64(2))).Where(x => x.Fen != 0).ToDictionary(x => x.Key, x => x.Fen, StringComparer.Ordinal);
        var owed = s.Query(
            $"""
            SELECT b.settled_on, r.party_id, {SqlSession.Sum("r.amount_fen")} FROM records r JOIN batches b ON b.batch_id = r.batch_id
            WHERE b.settled_on IS NOT NULL AND r.outcome = 1 AND r.kind = 3 GROUP BY b.settled_on, r.party_id
            """,
            r => (Key: Key(r.GetInt64(0), r.GetInt64(1)), Fen: r.GetInt64(2))).ToDictionary(x => x.Key, x => x.Fen, StringComparer.Ordinal);
        var claims = ClaimRecords(s, "WHERE b.settled_on IS NOT NULL");
        foreach (var claim in claims)
        {
            var key = Key(claim.SettledOn!.Value, claim.PartyId);
            owed[key] = owed.GetValueOrDefault(key) - claim.ClaimedFen;
        }

        var taken = s.Query(
            $"""
            SELECT st.business_date, p.sub, {SqlSession.Sum("-p.amount_fen")} FROM settlements st JOIN postings p ON p.transaction_id = st.ledger_transaction_id
            WHERE p.account = 3 GROUP BY st.business_date, p.sub
            """,
            r => (Key: Key(r.GetInt64(0), r.GetInt64(1)), Fen: r.GetInt64(2))).ToDictionary(x => x.Key, x => x.Fen, StringComparer.Ordinal);
        foreach (var key in statements.Keys.Union(owed.Keys).Union(taken.Keys).Order(StringComparer.Ordinal))
        {
            statements.TryGetValue(key, out var statement);
            owed.TryGetValue(key, out var cash);
            taken.TryGetValue(key, out var remitted);
            if (statement != cash || remitted != cash)
            {
                differences.Add($"settlement {key.Replace("/", ", outlet operator ", StringComparison.Ordinal)}: accepted loads − claims {cash} fen, statement remittance {statement} fen, remitted {remitted} fen");
            }
        }

        figures["loadsLessClaimsFen"] = owed.Values.Sum();
        figures["claimsFen"] = claims.Sum(c => c.ClaimedFen);
        figures["remittedFen"] = taken.Values.Sum();
    }
}

/// <summary>An accepted load record that claimed pending credits, and the credits' total (<c>ClaimedFen</c>).</summary>
internal sealed record ClaimRecord(long BatchId, long Index, CityCard.Security.Ep.Asn Asn, ushort OnlineCounter, long? SettledOn, uint PartyId, int CommissionBps, long AmountFen, long ClaimedFen);
