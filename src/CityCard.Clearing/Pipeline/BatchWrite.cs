using CityCard.Clearing.Ledger;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Verification;
using CityCard.Records.Batches;

namespace CityCard.Clearing.Pipeline;

/// <summary>Everything one cleared batch changes, written by the store in the same database transaction.</summary>
public sealed record BatchWrite
{
    /// <summary>The verified header.</summary>
    public required BatchHeader Header { get; init; }

    /// <summary>The receipt to store and return.</summary>
    public required BatchReceipt Receipt { get; init; }

    /// <summary>The trailer's amount sum, fen.</summary>
    public required long DeclaredAmountFen { get; init; }

    /// <summary>Every record with its outcome, in file order.</summary>
    public required IReadOnlyList<ClearedRecord> Records { get; init; }

    /// <summary>
    /// The same records in key order (<see cref="ClearedRecord.InKeyOrder"/>), sorted while the batch is decided so the
    /// writer need not; null to have the store sort them.
    /// </summary>
    public IReadOnlyList<ClearedRecord>? RecordsInKeyOrder { get; init; }

    /// <summary>Cards whose state changed (the pipeline gives them in <see cref="CardAccount.InStorageOrder"/>, sorted while the batch is decided so the writer need not).</summary>
    public required IReadOnlyList<CardAccount> UpdatedCards { get; init; }

    /// <summary>Counters newly held open as gaps.</summary>
    public required IReadOnlyList<RecordKey> GapsOpened { get; init; }

    /// <summary>Gaps filled by late records.</summary>
    public required IReadOnlyList<RecordKey> GapsClosed { get; init; }

    /// <summary>The batch's ledger transaction (null when nothing with money was accepted).</summary>
    public LedgerTransaction? Ledger { get; init; }

    /// <summary>The highest blacklist version any record shows the device had.</summary>
    public uint BlacklistVersionSeen { get; init; }
}
