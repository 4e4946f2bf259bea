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

    /// <summary>
    /// Settles a day (or returns its stored settlement, with <c>Replayed</c> true). A settlement whose reconciliation finds
    /// a difference is refused: nothing is stored, posted or paid, and the day stays open to be settled once the cause
    /// is put right; the report returned names every difference (<see cref="SettlementReport.Reconciled"/> false,
    /// <c>Replayed</c> false).
    /// </summary>
    /// <exception cref="ClearingInputException">
    /// The day has not ended yet (its next day's cut-off, China Standard Time, has not passed), or a later day is
    /// already settled.
    /// </exception>
    public (SettlementReport Report, bool Replayed) Settle(DateOnly date)
    {
        try
        {
            return store.Write(w => SettleIn(w, date));
        }
        catch (RefusedSettlement refused)
        {
            // Thrown inside the write so that the store rolls everything back, the proven loads' claims included.
            return (refused.Report, false);
        }
    }

    private (SettlementReport Report, bool Replayed) SettleIn(IClearingWriter w, DateOnly date)
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
        var calendar = Settings.Calendar(w);
        var today = calendar.DayOf(now);
        if (date >= today)
        {
            // Settling a day that is still open (or a day to come, say a mistyped year) would close every day before it:
            // days settle in date order, so the days in between could never be settled.
            throw new ClearingInputException(
                $"settle {date:yyyy-MM-dd}: that business day has not ended (it is still {today:yyyy-MM-dd} in China Standard Time, cut-off {calendar.FormatCutOff()}); a day can be settled from its next day's cut-off on");
        }

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
        if (!report.Reconciled)
        {
            throw new RefusedSettlement(report);
        }

        w.SaveSettlement(report, input.BatchIds, Payout(report), input.Checkpoint);
        return (report, false);
    }

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

    // Carries a refused settlement's report out of the write transaction, which it rolls back.
    private sealed class RefusedSettlement(SettlementReport report) : Exception("the settlement's reconciliation found differences")
    {
        public SettlementReport Report { get; } = report;
    }
}
