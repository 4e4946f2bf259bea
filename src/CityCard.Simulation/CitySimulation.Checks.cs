using CityCard.Clearing.Outcomes;

namespace CityCard.Simulation;

public sealed partial class CitySimulation
{
    /// <summary>
    /// The checks after a day: every DESIGN §6 invariant from the centre's audit, and the ground truth — every forged record
    /// rejected, every tampered file refused, every duplicate upload recognised, every clone flagged, every genuine record
    /// accepted exactly once.
    /// </summary>
    public IReadOnlyList<SimulationCheck> Check(DayReport day)
    {
        ArgumentNullException.ThrowIfNull(day);
        var checks = new List<SimulationCheck>();
        foreach (var invariant in day.Audit.Invariants)
        {
            checks.Add(new SimulationCheck($"invariant {invariant.Number}: {invariant.Title}", invariant.Ok, string.Join("; ", invariant.Differences.Take(5))));
        }

        checks.Add(new SimulationCheck("settlement reconciles", day.Settlement.Differences.Count == 0, string.Join("; ", day.Settlement.Differences.Take(5))));
        var rejected = store.Read(r => r.RecordsByOutcome(RecordOutcome.Rejected, 1_000_000));
        var (waiting, forgedWaiting) = PendingDeliveries();
        checks.Add(new SimulationCheck(
            "every forged record rejected (bad TAC), nothing else rejected",
            rejected.Count + forgedWaiting == Truth.ForgedRecords && rejected.All(r => r.Record.Reason == ReasonCode.BadTac),
            $"{Truth.ForgedRecords} forged ({forgedWaiting} not delivered yet), {rejected.Count} rejected"));
        checks.Add(new SimulationCheck("every tampered file refused", RefusedFiles == Truth.TamperedBatches, $"{Truth.TamperedBatches} tampered, {RefusedFiles} refused"));
        checks.Add(new SimulationCheck("every duplicate upload recognised, nothing posted twice", ReplayedUploads == Truth.DuplicateUploads, $"{Truth.DuplicateUploads} duplicated, {ReplayedUploads} replayed"));
        var suspects = store.Read(r => r.RecordsByOutcome(RecordOutcome.Suspect, 1_000_000));
        var suspectCards = suspects.Select(s => s.Record.Key.Asn).ToHashSet();
        checks.Add(new SimulationCheck(
            "every suspect record belongs to a cloned card",
            suspectCards.All(ClonedCards.Contains),
            $"{suspects.Count} suspect records on {suspectCards.Count} cards ({string.Join(", ", suspects.GroupBy(s => s.Record.Reason).Select(g => $"{g.Key} {g.Count()}"))}); {ClonedCards.Count} cloned cards"));
        checks.Add(new SimulationCheck(
            "every clone flagged",
            Truth.CloneUses == 0 || suspects.Count > 0,
            $"{Truth.CloneUses} clone uses, {suspects.Count} suspect"));
        checks.Add(new SimulationCheck(
            "every online payment credited once",
            creditIds.Count == Truth.OnlineTopUps,
            $"{Truth.OnlineTopUps} payments ({Truth.DuplicatePaymentNotifications} notified twice), {creditIds.Count} pending credits"));
        var unclaimed = cards.Sum(c => c.PendingCreditFen);
        checks.Add(new SimulationCheck(
            "every pending credit written to its card once or still waiting",
            unclaimed + Truth.CreditsClaimedFen == Truth.OnlineTopUpFen + Truth.RecoveredFen,
            $"paid online {Truth.OnlineTopUpFen} fen, recovered from {Truth.Replacements} lost cards {Truth.RecoveredFen} fen; written to cards {Truth.CreditsClaimedFen} fen ({Truth.CreditsClaimed} claims), waiting {unclaimed} fen"));
        var journalled = terminals.Where(t => t.Kind != Records.DeviceKind.TaxiCollector).Sum(t => t.Core.AllRecords.Count(r => !IsForged(r)));
        var received = CentreTotals.Accepted + CentreTotals.Suspect + CentreTotals.Duplicate;
        checks.Add(new SimulationCheck(
            "every genuine record accepted exactly once",
            received + waiting == journalled && CentreTotals.Duplicate == 0 && (Truth.CloneUses > 0 || CentreTotals.Suspect == 0),
            $"{journalled} records journalled by terminals ({Truth.CloneUses} by clones); centre: {CentreTotals.Accepted} accepted, {CentreTotals.Suspect} suspect, {CentreTotals.Duplicate} duplicate; {waiting} still in outboxes or late"));
        return checks;
    }

    /// <summary>Records in batches not yet received by the centre (lost on first upload, late, or not yet closed).</summary>
    private (int Genuine, int Forged) PendingDeliveries()
    {
        var waiting = new List<Records.TransactionRecord>();
        foreach (var (file, _) in lateQueue)
        {
            waiting.AddRange(Records.Batches.BatchCodec.ReadUnverified(file).Records);
        }

        foreach (var terminal in terminals)
        {
            if (Directory.Exists(terminal.Core.OutboxDirectory))
            {
                foreach (var path in Directory.GetFiles(terminal.Core.OutboxDirectory, "*.ccb"))
                {
                    waiting.AddRange(Records.Batches.BatchCodec.ReadUnverified(File.ReadAllBytes(path)).Records);
                }
            }

            waiting.AddRange(terminal.Core.OpenRecords);
        }

        return (waiting.Count(r => !IsForged(r)), waiting.Count(IsForged));
    }

    private static bool IsForged(Records.TransactionRecord record) => record.DeviceSequence >= 1_000_000;
}
