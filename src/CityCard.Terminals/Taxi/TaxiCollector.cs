using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security;
using CityCard.Terminals.Core;

namespace CityCard.Terminals.Taxi;

/// <summary>
/// A taxi company's collector (数据采集): at the depot it gathers each meter's journal — the meter closes its open records
/// into a batch signed with the meter's key, the collector verifies that batch, journals every record unchanged, and
/// marks the meter batch collected — then closes its own batch (signed with the collector's key) for upload to the centre.
/// </summary>
public sealed class TaxiCollector(TerminalCore collector)
{
    /// <summary>The collector's own terminal core (device kind <see cref="DeviceKind.TaxiCollector"/>).</summary>
    public TerminalCore Core { get; } = collector ?? throw new ArgumentNullException(nameof(collector));

    /// <summary>Collects the meters in the given data folders; returns how many records were gathered.</summary>
    public int Collect(IEnumerable<string> meterDirectories)
    {
        ArgumentNullException.ThrowIfNull(meterDirectories);
        var gathered = 0;
        foreach (var directory in meterDirectories)
        {
            using var meter = TerminalCore.Open(directory, Core.Clock);
            if (meter.Config.Kind != DeviceKind.TaxiMeter)
            {
                throw new TerminalException($"{directory}: device {meter.Config.DeviceId} is a {meter.Config.Kind}, not a taxi meter");
            }

            meter.CloseBatch();
            var key = Hex.Parse(meter.Config.UploadKey, "uploadKey", 16);
            gathered += meter.Upload(new CollectorSink(this, key)).Count;
        }

        return gathered;
    }

    private sealed class CollectorSink(TaxiCollector owner, byte[] meterKey) : IBatchSink
    {
        public bool Deliver(string fileName, byte[] content)
        {
            var batch = BatchCodec.Read(content, meterKey);
            var already = owner.Core.AllRecords.ToHashSet();
            foreach (var record in batch.Records.Where(r => !already.Contains(r)))
            {
                // A collection interrupted after journaling but before the meter marked its batch collected is redone without duplicates.
                owner.Core.AppendCollected(record);
            }

            return true;
        }
    }
}
