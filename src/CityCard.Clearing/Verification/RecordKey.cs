using CityCard.Records;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Verification;

/// <summary>
/// The natural key of a card transaction: (card, counter kind, counter). Two records with the same key are the same
/// transaction (a duplicate) or a clone. Access events use (card, access, device id × 2³² + device sequence).
/// </summary>
public readonly record struct RecordKey(Asn Asn, CounterKind Kind, long Counter)
{
    /// <summary>The key of a record uploaded by a device.</summary>
    public static RecordKey Of(TransactionRecord record, uint deviceId)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Kind switch
        {
            RecordKind.Purchase or RecordKind.CappPurchase => new RecordKey(record.Asn, CounterKind.Offline, record.Counter),
            RecordKind.Load => new RecordKey(record.Asn, CounterKind.Online, record.Counter),
            RecordKind.Access => new RecordKey(record.Asn, CounterKind.Access, ((long)deviceId << 32) | record.DeviceSequence),
            _ => throw new ArgumentOutOfRangeException(nameof(record), record.Kind, "unknown record kind"),
        };
    }
}
