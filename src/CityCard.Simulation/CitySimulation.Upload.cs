using CityCard.Clearing.Pipeline;
using CityCard.Records;
using CityCard.Simulation.World;
using CityCard.Terminals.Core;
using CityCard.Terminals.Taxi;

namespace CityCard.Simulation;

public sealed partial class CitySimulation
{
    /// <summary>
    /// End of the day: every terminal closes its batch; each taxi company's collector gathers its meters; every outbox is
    /// uploaded through the simulated network (lost, late, duplicated and tampered deliveries); yesterday's late batches
    /// arrive last, out of order.
    /// </summary>
    private void UploadAll(Random random)
    {
        foreach (var terminal in terminals.Where(t => t.Kind is not DeviceKind.TaxiMeter and not DeviceKind.TaxiCollector))
        {
            Close(terminal, random);
        }

        for (var c = 0; c < collectors.Count; c++)
        {
            var meters = taxis.Where(t => t.OperatorId == collectors[c].OperatorId).ToList();
            foreach (var meter in meters)
            {
                Close(meter, random);
                meter.Core.Dispose();
            }

            new TaxiCollector(collectors[c].Core).Collect(meters.Select(m => m.Directory));
            foreach (var meter in meters)
            {
                meter.Core = TerminalCore.Open(meter.Directory, meter.Core.Clock, durable: false);
                Rewire(meter);
            }

            if (collectors[c].Core.CloseBatch() is not null)
            {
                Truth.Batches++;
            }
        }

        var late = lateQueue.ToList();
        lateQueue.Clear();
        var sink = new NetworkSink(this);
        foreach (var terminal in terminals.Where(t => t.Kind != DeviceKind.TaxiMeter))
        {
            terminal.Core.Upload(sink);
        }

        foreach (var (file, _) in late)
        {
            Deliver(file);
        }
    }

    private void Deliver(byte[] file)
    {
        var result = clearing.Ingest(file);
        if (result.Replayed)
        {
            ReplayedUploads++;
            return;
        }

        if (result.Receipt.Status == BatchStatus.Refused)
        {
            RefusedFiles++;
            return;
        }

        var t = result.Receipt.Totals;
        CentreTotals = CentreTotals with
        {
            Accepted = CentreTotals.Accepted + t.Accepted,
            AcceptedFen = CentreTotals.AcceptedFen + t.AcceptedFen,
            Duplicate = CentreTotals.Duplicate + t.Duplicate,
            DuplicateFen = CentreTotals.DuplicateFen + t.DuplicateFen,
            Rejected = CentreTotals.Rejected + t.Rejected,
            RejectedFen = CentreTotals.RejectedFen + t.RejectedFen,
            Suspect = CentreTotals.Suspect + t.Suspect,
            SuspectFen = CentreTotals.SuspectFen + t.SuspectFen,
        };
    }

    /// <summary>The network between terminals and the centre, with its faults decided per file by the seed.</summary>
    private sealed class NetworkSink(CitySimulation simulation) : IBatchSink
    {
        public bool Deliver(string fileName, byte[] content)
        {
            var r = simulation.Stream("net:" + fileName);
            var faults = simulation.faults;
            if (r.NextDouble() < faults.LostBatchRate && simulation.lostOnce.Add(fileName))
            {
                simulation.Truth.LostBatches++;
                return false;
            }

            if (r.NextDouble() < faults.LateBatchRate && !simulation.lostOnce.Contains(fileName))
            {
                simulation.lateQueue.Add((content, fileName));
                simulation.Truth.LateBatches++;
                return true;
            }

            if (r.NextDouble() < faults.TamperedBatchRate)
            {
                var tampered = (byte[])content.Clone();
                tampered[r.Next(tampered.Length)] ^= (byte)(1 + r.Next(255));
                simulation.Truth.TamperedBatches++;
                simulation.Deliver(tampered);
            }

            simulation.Deliver(content);
            if (r.NextDouble() < faults.DuplicateUploadRate)
            {
                simulation.Truth.DuplicateUploads++;
                simulation.Deliver(content);
            }

            return true;
        }
    }
}
