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

    /// <summary>The cards of these ASNs that are registered.</summary>
    IReadOnlyDictionary<Asn, CardAccount> LoadCards(IReadOnlyCollection<Asn> asns);

    /// <summary>Every stored record of a card (all outcomes), in card order.</summary>
    IReadOnlyList<StoredRecord> CardHistory(Asn asn);

    /// <summary>An online load by card and online counter, or null.</summary>
    Loads.PendingLoad? FindPendingLoad(Asn asn, ushort onlineCounter);

    /// <summary>One stored record by batch id and position, or null.</summary>
    StoredRecord? FindRecord(long batchId, int index);

    /// <summary>The review decision and note of a record by batch id and position, or null when it was never reviewed.</summary>
    (ReviewDecision Decision, string Note)? FindReview(long batchId, int index);

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

    /// <summary>
    /// Checks every DESIGN.md §6 invariant over the whole database. With <paramref name="asOf"/>, also counts the gaps
    /// open longer than the stored waiting period at that instant (figures and warnings; they never fail the audit).
    /// </summary>
    AuditReport Audit(DateTimeOffset? asOf = null);

    // ---- parameter publication (docs/clearing.md "Parameter files") ----

    /// <summary>The latest parameter content set at the centre, or null (the factory content is in force).</summary>
    Parameters.ParameterContent? LatestParameterContent();

    /// <summary>A parameter content by version, or null.</summary>
    Parameters.ParameterContent? FindParameterContent(uint contentVersion);

    /// <summary>The latest published parameter version, or null before the first.</summary>
    Parameters.ParameterPublication? LatestParameterPublication();

    /// <summary>A published parameter version, or null.</summary>
    Parameters.ParameterPublication? FindParameterPublication(uint version);

    /// <summary>Parameter pickups, newest first, of one device or of all (<paramref name="deviceId"/> null), at most <paramref name="limit"/>.</summary>
    IReadOnlyList<Parameters.ParameterPickup> ParameterPickups(uint? deviceId, int limit);

    /// <summary>
    /// The first pickup by the device of a parameter file holding blacklist version <paramref name="blacklistVersion"/> or
    /// later — from then on the device knew of every card listed up to that version — or null if it never fetched one.
    /// </summary>
    Parameters.ParameterPickup? FirstPickupOfBlacklist(uint deviceId, uint blacklistVersion);

    /// <summary>Gaps opened at or before <paramref name="openedBefore"/> (or at an unknown time), by card and counter, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<OpenGap> OpenGaps(DateTimeOffset openedBefore, int limit);
}
