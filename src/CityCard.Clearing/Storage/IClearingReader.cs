using CityCard.Clearing.Audit;
using CityCard.Clearing.Ledger;
using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Storage;

/// <summary>Queries over the clearing database.</summary>
public partial interface IClearingReader
{
    /// <summary>A stored setting, or null.</summary>
    string? GetSetting(string key);

    /// <summary>A device by id, or null.</summary>
    Device? FindDevice(uint deviceId);

    /// <summary>The device whose PSAM has this terminal number, or null.</summary>
    Device? FindDeviceByTerminal(TerminalId terminal);

    /// <summary>Every device, by id.</summary>
    IReadOnlyList<Device> Devices();

    /// <summary>A merchant or operator by id, or null.</summary>
    Merchant? FindMerchant(uint merchantId);

    /// <summary>Every merchant and operator, by id.</summary>
    IReadOnlyList<Merchant> Merchants();

    /// <summary>A card by ASN, or null.</summary>
    CardAccount? FindCard(Asn asn);

    /// <summary>Every stored record of a card (all outcomes), in card order.</summary>
    IReadOnlyList<StoredRecord> CardHistory(Asn asn);

    /// <summary>An online load by card and online counter, or null.</summary>
    Loads.PendingLoad? FindPendingLoad(Asn asn, ushort onlineCounter);

    /// <summary>One stored record by batch id and position, or null.</summary>
    StoredRecord? FindRecord(long batchId, int index);

    /// <summary>Stored records with an outcome, newest batch first, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<StoredRecord> RecordsByOutcome(RecordOutcome outcome, int limit);

    /// <summary>A cleared batch by (device, batch number), or null.</summary>
    StoredBatch? FindBatch(uint deviceId, uint batchNumber);

    /// <summary>The receipt of a file already refused for this reason, or null.</summary>
    BatchReceipt? FindRefusedFile(string fileSha256, FileRefusal refusal);

    /// <summary>Receipts of refused files, newest first, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<BatchReceipt> RefusedFiles(int limit);

    /// <summary>Blacklist changes with a version above <paramref name="afterVersion"/>, in version order.</summary>
    IReadOnlyList<BlacklistEntry> Blacklist(uint afterVersion);

    /// <summary>The postings of a ledger transaction (empty when there is none).</summary>
    IReadOnlyList<Posting> LedgerPostings(long transactionId);

    /// <summary>A settlement by business day, or null.</summary>
    SettlementReport? FindSettlement(DateOnly businessDay);

    /// <summary>The latest settled business day, or null.</summary>
    DateOnly? LatestSettlement();

    /// <summary>Checks every DESIGN.md §6 invariant over the whole database.</summary>
    AuditReport Audit();
}
