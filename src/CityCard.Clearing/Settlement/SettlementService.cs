using CityCard.Clearing.Ledger;
using CityCard.Clearing.Storage;

namespace CityCard.Clearing.Settlement;

/// <summary>
/// Settles a business day: every cleared, unsettled batch of that day and earlier days (late uploads) is settled once.
/// Per merchant and rate a statement; one ledger transaction pays net amounts out of the payables to the settlement bank
/// and takes the outlets' load cash in (loads less the claims of pending credits, which brought no cash); a reconciliation names every difference between terminal totals, stored records
/// and postings, plus every failing invariant. Idempotent: a settled day returns its stored report.
/// </summary>
public sealed class SettlementService
{
    private readonly IClearingStore store;
    private readonly TimeProvider clock;

    /// <summary>Creates the service.</summary>
    public SettlementService(IClearingStore store, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        this.store = store;
        this.clock = clock;
    }

    /// <summary>Settles a day (or returns its stored settlement, with <c>Replayed</c> true).</summary>
    public (SettlementReport Report, bool Replayed) Settle(DateOnly date) => store.Write(w =>
    {
        if (w.FindSettlement(date) is { } existing)
        {
            return (existing, true);
        }

        if (w.LatestSettlement() is { } latest && latest > date)
        {
            throw new ClearingInputException($"settle {date:yyyy-MM-dd}: settlements run in date order and {latest:yyyy-MM-dd} is already settled");
        }

        var now = Clock.Now(clock);
        ClaimProvenLoads(w, date, now);
        var input = w.LoadSettlementInput(date);
        var differences = Reconcile(input);
        foreach (var invariant in input.Audit.Invariants.Where(i => !i.Ok))
        {
            differences.Add($"invariant {invariant.Number} ({invariant.Id}) fails: {string.Join("; ", invariant.Differences.Take(5))}");
        }

        var report = new SettlementReport
        {
            Date = date,
            CreatedUtc = now,
            Batches = input.BatchIds.Count,
            Statements = input.Statements,
            Differences = differences,
        };
        w.SaveSettlement(report, input.BatchIds, Payout(report), input.Checkpoint);
        return (report, false);
    });

    internal static List<string> Reconcile(SettlementInput input)
    {
        var differences = new List<string>();
        foreach (var check in input.Checks)
        {
            var name = $"batch {check.BatchId} (device {check.DeviceId} #{check.BatchNumber})";
            if (check.DeclaredRecords != check.StoredRecords)
            {
                differences.Add($"{name}: the trailer declares {check.DeclaredRecords} records, {check.StoredRecords} are stored");
            }

            if (check.DeclaredFen != check.StoredFen)
            {
                differences.Add($"{name}: the trailer declares {check.DeclaredFen} fen, the stored records sum to {check.StoredFen} fen");
            }

            if (check.AcceptedNetFen != check.PostedCardFloatFen)
            {
                differences.Add($"{name}: accepted purchases less loads are {check.AcceptedNetFen} fen, card float postings move {check.PostedCardFloatFen} fen");
            }
        }

        differences.AddRange(input.ClaimDifferences);
        return differences;
    }

    // A claiming load whose outlet never confirmed its TAC, but whose record (verified TAC) is being settled, was written:
    // its credits are claimed now, so the claim posting and the netting below happen in the same settlement.
    private static void ClaimProvenLoads(IClearingWriter w, DateOnly date, DateTimeOffset now)
    {
        foreach (var load in w.UnconfirmedClaimsWithRecords(date))
        {
            w.SetLoadStatus(load.Asn, load.OnlineCounter, Loads.LoadStatus.Resolved);
            Lifecycle.CreditClaims.Claim(w, load, now, "load record settled");
            w.AppendOperatorLog("settlement", "load-resolved", load.Asn.ToString(), now, $"{{\"counter\":{load.OnlineCounter},\"status\":\"{load.Status}\"}}", $"{{\"counter\":{load.OnlineCounter},\"status\":\"written\",\"proof\":\"load record\"}}", $"load:{load.Asn}:{load.OnlineCounter}");
        }
    }

    private static LedgerTransaction? Payout(SettlementReport report)
    {
        var postings = new PostingBuilder();
        foreach (var statement in report.Statements)
        {
            postings.Add(Account.Payable(statement.MerchantId), statement.NetFen);
            postings.Add(Account.Of(AccountKind.SettlementBank), -statement.NetFen);
            // Loads that claimed pending credits brought no cash: their claim posting already credited the outlet's cash.
            postings.Add(Account.Of(AccountKind.SettlementBank), statement.RemittanceFen);
            postings.Add(Account.OutletCash(statement.MerchantId), -statement.RemittanceFen);
        }

        return postings.IsEmpty
            ? null
            : new LedgerTransaction(LedgerTransactionKind.Settlement, report.Date, $"settlement {report.Date:yyyy-MM-dd}", postings.ToPostings());
    }
}
