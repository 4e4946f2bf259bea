using CityCard.Clearing.Audit;
using CityCard.Clearing.Lifecycle;

namespace CityCard.Storage.Sql;

/// <summary>The lifecycle's invariants: the operator log's hash chain (7) and pending credits against the ledger (8).</summary>
internal static partial class SqlAudit
{
    private const int LogPage = 10_000;

    private static InvariantResult OperatorLogChained(SqlSession s)
    {
        var head = s.GetSetting("operator-log-head");
        var count = head is null ? 0 : long.Parse(head[..head.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        var headHash = head?[(head.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var differences = OperatorLogChain.Breaks(AllEntries(s), count, headHash);
        var figures = new Dictionary<string, long>
        {
            ["entries"] = s.Scalar("SELECT COUNT(*) FROM operator_log"),
            ["recordedHead"] = count,
            ["breaks"] = differences.Count,
        };
        return Result(7, Invariants.OperatorLogChained, figures, differences, true);
    }

    private static IEnumerable<OperatorLogEntry> AllEntries(SqlSession s)
    {
        long after = 0;
        while (true)
        {
            var page = s.OperatorLog(after, LogPage);
            foreach (var entry in page)
            {
                yield return entry;
            }

            if (page.Count < LogPage)
            {
                yield break;
            }

            after = page[^1].Sequence;
        }
    }

    private static InvariantResult PendingCreditsHeld(SqlSession s)
    {
        var ledger = s.Query(
            $"SELECT sub, {SqlSession.Sum("amount_fen")} FROM postings WHERE account = 8 GROUP BY sub",
            r => (Asn: r.GetInt64(0), Fen: -r.GetInt64(1))).ToDictionary(x => x.Asn, x => x.Fen);
        var credits = s.Query(
            $"SELECT asn, {SqlSession.Sum("amount_fen")} FROM pending_credits WHERE status IN (1, 2) GROUP BY asn",
            r => (Asn: r.GetInt64(0), Fen: r.GetInt64(1))).ToDictionary(x => x.Asn, x => x.Fen);
        var differences = new List<string>();
        foreach (var asn in ledger.Keys.Union(credits.Keys).Order())
        {
            ledger.TryGetValue(asn, out var posted);
            credits.TryGetValue(asn, out var open);
            if (posted != open)
            {
                differences.Add($"card {SqlSession.AsnOf(asn)}: pending credits account {posted} fen, unclaimed credits {open} fen");
            }
        }

        var figures = new Dictionary<string, long>
        {
            ["pendingCreditsFen"] = ledger.Values.Sum(),
            ["unclaimedCreditsFen"] = credits.Values.Sum(),
            ["credits"] = s.Scalar("SELECT COUNT(*) FROM pending_credits"),
            ["cardsDisagreeing"] = differences.Count,
        };
        return Result(8, Invariants.PendingCreditsHeld, figures, differences, true);
    }
}
