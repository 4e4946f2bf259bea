using CityCard.Clearing.Pipeline;

namespace CityCard.Storage.Sql;

/// <summary>
/// A line of <c>batch_totals</c>: a batch's records of one party, commission rate, outcome and record kind, counted and
/// summed (negative for the sums a review takes out).
/// </summary>
internal sealed record BatchTotal(long PartyId, long CommissionBps, long Outcome, long Kind, long Records, long AmountFen, long FullFareFen, long SubsidyFen, long CommissionFen)
{
    /// <summary>The lines of a batch's decided records, in key order.</summary>
    public static List<BatchTotal> Of(IReadOnlyList<ClearedRecord> records)
    {
        // Count, amount, full fare, subsidy, commission per key; one dictionary lookup per record (this runs on the hot path).
        var sums = new Dictionary<(long Party, long Bps, long Outcome, long Kind), long[]>();
        foreach (var r in records)
        {
            var key = ((long)r.PartyId, (long)r.CommissionBps, (long)r.Outcome, (long)r.Kind);
            if (!sums.TryGetValue(key, out var sum))
            {
                sums[key] = sum = new long[5];
            }

            sum[0]++;
            sum[1] += r.AmountFen;
            sum[2] += r.FullFareFen;
            sum[3] += r.SubsidyFen;
            sum[4] += r.CommissionFen;
        }

        return sums.OrderBy(s => s.Key)
            .Select(s => new BatchTotal(s.Key.Party, s.Key.Bps, s.Key.Outcome, s.Key.Kind, s.Value[0], s.Value[1], s.Value[2], s.Value[3], s.Value[4]))
            .ToList();
    }
}
