using CityCard.Clearing.Ledger;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Verification;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Storage;

/// <summary>Changes to the clearing database, and the lookups the pipeline makes inside its write transaction.</summary>
public partial interface IClearingWriter : IClearingReader
{
    /// <summary>Stores a setting.</summary>
    void SetSetting(string key, string value);

    /// <summary>Registers a device; false when the id is taken.</summary>
    bool AddDevice(Device device);

    /// <summary>Changes a device's status; false when there is no such device.</summary>
    bool SetDeviceStatus(uint deviceId, DeviceStatus status);

    /// <summary>Records the blacklist version a device picked up (never lowers it).</summary>
    void NoteBlacklistVersion(uint deviceId, uint version);

    /// <summary>Registers a merchant or operator; false when the id is taken.</summary>
    bool AddMerchant(Merchant merchant);

    /// <summary>Registers a sold card with its sale's ledger transaction; false when the ASN is taken.</summary>
    bool AddCard(CardAccount card, LedgerTransaction sale);

    /// <summary>
    /// Registers many sold cards, each with its sale's ledger transaction (same order, same count), in bulk: the caller
    /// has checked that no ASN is taken or repeated (<see cref="IClearingReader.LoadCards"/>). What <see cref="AddCard"/> does per card.
    /// </summary>
    void AddCards(IReadOnlyList<CardAccount> cards, IReadOnlyList<LedgerTransaction> sales);

    /// <summary>Changes a card's status; false when there is no such card.</summary>
    bool SetCardStatus(Asn asn, CardStatus status);

    /// <summary>Appends a blacklist change (next version) and updates the card; returns the new version.</summary>
    uint AddBlacklistEntry(Asn asn, BlacklistAction action, string reason, DateTimeOffset now);

    /// <summary>Stored records (accepted, duplicate, rejected or suspect) with any of these keys.</summary>
    IReadOnlyList<PriorRecord> FindPriorRecords(IReadOnlyCollection<RecordKey> keys);

    /// <summary>The card's accepted records just before and just after a position in card order.</summary>
    (ChainLink? Before, ChainLink? After) FindNeighbours(Asn asn, OrderKey order);

    /// <summary>The card's accepted records of one counter kind with the nearest counters below and above <paramref name="counter"/>.</summary>
    (ChainLink? Lower, ChainLink? Upper) FindCounterNeighbours(Asn asn, CounterKind kind, long counter);

    /// <summary>Stores a cleared batch and everything it changes; returns the batch id.</summary>
    long SaveBatch(BatchWrite batch);

    /// <summary>Stores an online load (inserted when authorised, updated when confirmed).</summary>
    void SavePendingLoad(Loads.PendingLoad load);

    /// <summary>True when the counter is held open as a gap.</summary>
    bool IsGapOpen(RecordKey key);

    /// <summary>Stores a review: the record's new reason, and for an accepted one the card, gaps and posting.</summary>
    void SaveReview(ReviewWrite review);

    /// <summary>Stores a refused file with its receipt (the bytes are kept, never dropped).</summary>
    void SaveRefusedFile(BatchReceipt receipt, ReadOnlySpan<byte> file);

    /// <summary>Appends a ledger transaction; returns its id.</summary>
    long AppendLedger(LedgerTransaction transaction);

    /// <summary>
    /// The cleared, unsettled batches of business days up to <paramref name="businessDay"/>, aggregated for settlement in
    /// one pass over their records, with the settlement audit: the invariants over what changed since the previous
    /// settlement's checkpoint (docs/clearing.md "Settlement").
    /// </summary>
    SettlementInput LoadSettlementInput(DateOnly businessDay);

    /// <summary>Stores a settlement with its audit checkpoint, marks its batches settled and appends its ledger transaction (if any).</summary>
    void SaveSettlement(SettlementReport report, IReadOnlyList<long> batchIds, LedgerTransaction? payout, LedgerCheckpoint checkpoint);

    // ---- parameter publication ----

    /// <summary>Stores a new parameter content (JSON, already validated); returns its content version.</summary>
    uint AddParameterContent(string content, string note, DateTimeOffset now);

    /// <summary>Stores a published parameter version (its number must be new).</summary>
    void AddParameterPublication(Parameters.ParameterPublication publication);

    /// <summary>Records that a device fetched a version; the first pickup of a (device, version) stays. True when new.</summary>
    bool NoteParameterPickup(Parameters.ParameterPickup pickup);
}
