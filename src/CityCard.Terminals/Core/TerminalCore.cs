using System.Buffers.Binary;
using System.Text.Json;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security;
using CityCard.Security.Ep;
using CityCard.Terminals.Journal;
using CityCard.Terminals.Parameters;

namespace CityCard.Terminals.Core;

/// <summary>
/// What every terminal has: configuration, signed parameters, the durable journal, and the batch outbox. Terminal state
/// (open records, pending torn transactions, batch numbers, cash) is rebuilt by replaying the journal, so whatever was
/// acknowledged before a crash is there after it, exactly once. One process at a time owns a terminal's data folder.
/// </summary>
public sealed class TerminalCore : IDisposable
{
    private const string ConfigFile = "terminal.json";
    private const string ParametersFile = "parameters.json";
    private const string JournalFile = "journal.log";
    private const string LockFile = "terminal.lock";

    private readonly FileStream lockStream;
    private readonly TransactionJournal journal;
    private readonly byte[] uploadKey;
    private readonly ParameterSigningKey parameterKey;
    private readonly List<(ulong Sequence, TransactionRecord Record)> records = [];
    private readonly Dictionary<Asn, TransactionRecord> lastByCard = [];
    private int firstOpen;
    private readonly Dictionary<ulong, PendingTransaction> pending = [];
    private readonly List<CashMovement> cash = [];
    private HashSet<ulong> blacklist = [];
    private byte[] installedParameterFile = [];
    private ulong closedThrough;
    private uint lastBatchNumber;

    private TerminalCore(string directory, TerminalConfig config, FileStream lockStream, TransactionJournal journal, TimeProvider clock)
    {
        Directory = directory;
        Config = config;
        this.lockStream = lockStream;
        this.journal = journal;
        Clock = clock;
        uploadKey = Hex.Parse(config.UploadKey, "uploadKey", 16);
        parameterKey = ParameterSigningKey.FromPublicKey(Hex.Parse(config.ParameterPublicKey, "parameterPublicKey", 32), "centre");
        Parameters = new TerminalParameters { Version = 0 };
    }

    /// <summary>The data folder.</summary>
    public string Directory { get; }

    /// <summary>Installation settings.</summary>
    public TerminalConfig Config { get; }

    /// <summary>The clock (terminal time).</summary>
    public TimeProvider Clock { get; }

    /// <summary>The parameters in force (version 0 when none has been installed).</summary>
    public TerminalParameters Parameters { get; private set; }

    /// <summary>Folder of closed batches waiting for the centre's acknowledgement.</summary>
    public string OutboxDirectory => Path.Combine(Directory, "outbox");

    /// <summary>Folder of acknowledged batches.</summary>
    public string SentDirectory => Path.Combine(Directory, "sent");

    /// <summary>Records not yet in a closed batch.</summary>
    public IReadOnlyList<TransactionRecord> OpenRecords => records.Skip(firstOpen).Select(r => r.Record).ToList();

    /// <summary>Every record in the journal, oldest first.</summary>
    public IReadOnlyList<TransactionRecord> AllRecords => records.Select(r => r.Record).ToList();

    /// <summary>Torn transactions waiting for their card.</summary>
    public IReadOnlyCollection<PendingTransaction> Pending => pending.Values;

    /// <summary>Cash-drawer movements (outlets).</summary>
    public IReadOnlyList<CashMovement> Cash => cash;

    /// <summary>Number of the last closed batch (0 before the first).</summary>
    public uint LastBatchNumber => lastBatchNumber;

    /// <summary>The terminal's current local time (China Standard Time).</summary>
    public DateTime LocalNow => Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime;

    /// <summary>Creates a terminal data folder with its configuration and first parameter file.</summary>
    public static void Install(string directory, TerminalConfig config, byte[] parameterFile)
    {
        ArgumentNullException.ThrowIfNull(config);
        System.IO.Directory.CreateDirectory(directory);
        var configPath = Path.Combine(directory, ConfigFile);
        if (File.Exists(configPath))
        {
            throw new TerminalException($"terminal folder {directory} is already installed (terminal.json exists)");
        }

        _ = Hex.Parse(config.UploadKey, "uploadKey", 16);
        ParameterFile.Verify(parameterFile, ParameterSigningKey.FromPublicKey(Hex.Parse(config.ParameterPublicKey, "parameterPublicKey", 32), "centre"));
        WriteAtomically(Path.Combine(directory, ParametersFile), parameterFile);
        WriteAtomically(configPath, JsonSerializer.SerializeToUtf8Bytes(config, ParameterFile.JsonOptions));
    }

    /// <summary>True when the folder holds an installed terminal.</summary>
    public static bool IsInstalled(string directory) => File.Exists(Path.Combine(directory, ConfigFile));

    /// <summary>
    /// Opens an installed terminal, replaying its journal and finishing any batch closure a crash interrupted.
    /// <paramref name="durable"/> false skips the per-append fsync (simulation only; see <see cref="TransactionJournal.Open"/>).
    /// </summary>
    public static TerminalCore Open(string directory, TimeProvider clock, bool durable = true)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var configPath = Path.Combine(directory, ConfigFile);
        if (!File.Exists(configPath))
        {
            throw new TerminalException($"terminal folder {directory}: not installed (no terminal.json)");
        }

        TerminalConfig config;
        try
        {
            config = JsonSerializer.Deserialize<TerminalConfig>(File.ReadAllBytes(configPath), ParameterFile.JsonOptions)
                ?? throw new TerminalException($"{configPath}: empty");
        }
        catch (JsonException e)
        {
            throw new TerminalException($"{configPath}: malformed ({e.Message})", e);
        }

        FileStream lockStream;
        try
        {
            lockStream = new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new TerminalException($"terminal folder {directory} is in use by another process", e);
        }

        TransactionJournal? journal = null;
        try
        {
            journal = TransactionJournal.Open(Path.Combine(directory, JournalFile), durable);
            var core = new TerminalCore(directory, config, lockStream, journal, clock);
            core.LoadParameters();
            core.Replay();
            return core;
        }
        catch
        {
            journal?.Dispose();
            lockStream.Dispose();
            throw;
        }
    }

    /// <summary>The latest record of a card on this terminal, if any (repeat taps, receipts).</summary>
    public TransactionRecord? LastRecordOf(Asn asn) => lastByCard.GetValueOrDefault(asn);

    /// <summary>True when the card is on the blacklist in force.</summary>
    public bool IsBlacklisted(Asn asn) => blacklist.Contains(asn.Value);

    /// <summary>
    /// Installs a newer signed parameter file: a full file (format version 1), or a delta (format version 2) applied to
    /// the installed version and checked against the centre's signature over the result. A wrong signature, a malformed
    /// file or a version not above the current one is refused with <see cref="ParameterFileException"/> (a delta for
    /// another base with <see cref="ParameterBaseMismatchException"/>) and the current parameters stay. What is written to
    /// <c>parameters.json</c> is always the full file of the new version.
    /// </summary>
    public TerminalParameters InstallParameters(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var full = ParameterFile.IsDelta(file) ? ParameterFile.ApplyDelta(file, installedParameterFile, parameterKey) : file;
        var candidate = ParameterFile.Verify(full, parameterKey);
        if (candidate.Version <= Parameters.Version)
        {
            throw new ParameterFileException($"parameter file: version {candidate.Version} is not newer than the installed version {Parameters.Version} (a rollback is refused)");
        }

        WriteAtomically(Path.Combine(Directory, ParametersFile), full);
        Apply(candidate, full);
        return candidate;
    }

    /// <summary>
    /// Asks the centre for parameters newer than the installed version and installs them (see <see cref="InstallParameters"/>).
    /// When a delta does not fit the installed base, the full file is asked for once. Returns what happened.
    /// </summary>
    public ParameterFetch FetchParameters(IParameterSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var had = Parameters.Version;
        var file = source.Fetch(had);
        if (file is null)
        {
            return new ParameterFetch(had, Parameters, false, false);
        }

        var delta = ParameterFile.IsDelta(file);
        try
        {
            return new ParameterFetch(had, InstallParameters(file), delta, false);
        }
        catch (ParameterBaseMismatchException)
        {
            var full = source.Fetch(0) ?? throw new ParameterFileException("parameter file: the centre sent no full file when asked for one");
            if (ParameterFile.IsDelta(full))
            {
                throw new ParameterFileException("parameter file: the centre sent a delta when asked for the full file");
            }

            return new ParameterFetch(had, InstallParameters(full), false, true);
        }
    }

    /// <summary>Journals a completed transaction (flushed to disk before returning) and returns it with its device sequence.</summary>
    public TransactionRecord Append(TransactionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var stamped = record with { DeviceSequence = checked((uint)journal.NextSequence), BlacklistVersion = Parameters.BlacklistVersion };
        var payload = new byte[BatchCodec.RecordLength];
        RecordCodec.Write(stamped, payload);
        var entry = journal.Append(JournalEntryType.Record, payload);
        AddRecord(entry.Sequence, stamped);
        return stamped;
    }

    /// <summary>
    /// Journals a completed transaction together with the settlement of its intent (the pending entry written before the
    /// card was debited), in one entry: after a crash either both or neither are in the journal.
    /// </summary>
    public TransactionRecord AppendResolving(TransactionRecord record, ulong pendingSequence)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!pending.ContainsKey(pendingSequence))
        {
            throw new InvalidOperationException($"no pending transaction {pendingSequence}");
        }

        var stamped = record with { DeviceSequence = checked((uint)journal.NextSequence), BlacklistVersion = Parameters.BlacklistVersion };
        var payload = new byte[8 + BatchCodec.RecordLength];
        BinaryPrimitives.WriteUInt64BigEndian(payload, pendingSequence);
        RecordCodec.Write(stamped, payload.AsSpan(8));
        var entry = journal.Append(JournalEntryType.RecordResolving, payload);
        AddRecord(entry.Sequence, stamped);
        pending.Remove(pendingSequence);
        return stamped;
    }

    /// <summary>Fault injection for tests and the simulator: called with the bytes of the next journal write.</summary>
    internal Action<FileStream, byte[]>? JournalWriteFault
    {
        get => journal.WriteFault;
        set => journal.WriteFault = value;
    }

    /// <summary>Journals a record gathered from another device (a collector's meters), keeping its own sequence and blacklist version.</summary>
    public TransactionRecord AppendCollected(TransactionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var payload = new byte[BatchCodec.RecordLength];
        RecordCodec.Write(record, payload);
        var entry = journal.Append(JournalEntryType.Record, payload);
        AddRecord(entry.Sequence, record);
        return record;
    }

    /// <summary>Journals a torn transaction to recover when its card returns.</summary>
    public PendingTransaction AddPending(PendingTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var entry = journal.Append(JournalEntryType.Pending, JsonSerializer.SerializeToUtf8Bytes(transaction with { Sequence = 0 }, ParameterFile.JsonOptions));
        var stored = transaction with { Sequence = entry.Sequence };
        pending[entry.Sequence] = stored;
        return stored;
    }

    /// <summary>Records that a pending transaction is settled (its record appended, or proven not to have happened).</summary>
    public void ResolvePending(ulong sequence)
    {
        if (!pending.ContainsKey(sequence))
        {
            throw new InvalidOperationException($"no pending transaction {sequence}");
        }

        var payload = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(payload, sequence);
        journal.Append(JournalEntryType.PendingResolved, payload);
        pending.Remove(sequence);
    }

    /// <summary>Journals a cash-drawer movement.</summary>
    public void AppendCash(CashMovement movement)
    {
        ArgumentNullException.ThrowIfNull(movement);
        journal.Append(JournalEntryType.Cash, JsonSerializer.SerializeToUtf8Bytes(movement, ParameterFile.JsonOptions));
        cash.Add(movement);
    }

    /// <summary>True when the open batch has reached its record count or age limit.</summary>
    public bool BatchDue()
    {
        var open = records.Count - firstOpen;
        if (open == 0)
        {
            return false;
        }

        if (open >= Config.BatchMaxRecords)
        {
            return true;
        }

        var oldest = records[firstOpen].Record.DateTime.Value;
        return (LocalNow - oldest).TotalMinutes >= Config.BatchMaxMinutes;
    }

    /// <summary>Closes the open records into a signed batch file in the outbox; returns its path, or null when nothing is open.</summary>
    public string? CloseBatch()
    {
        var open = records.Where(r => r.Sequence > closedThrough).ToList();
        if (open.Count == 0)
        {
            return null;
        }

        var number = lastBatchNumber + 1;
        var created = Clock.GetUtcNow().ToUnixTimeSeconds();
        var payload = new byte[20];
        BinaryPrimitives.WriteUInt32BigEndian(payload, number);
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(4), open[^1].Sequence);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(12), created);
        journal.Append(JournalEntryType.BatchClosing, payload);
        return FinishClosing(number, open[^1].Sequence, created);
    }

    /// <summary>Delivers every outbox batch, oldest first; acknowledged ones move to <c>sent/</c>. Returns the delivered file names.</summary>
    public IReadOnlyList<string> Upload(IBatchSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var delivered = new List<string>();
        if (!System.IO.Directory.Exists(OutboxDirectory))
        {
            return delivered;
        }

        System.IO.Directory.CreateDirectory(SentDirectory);
        foreach (var path in System.IO.Directory.GetFiles(OutboxDirectory, "*.ccb").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!sink.Deliver(name, File.ReadAllBytes(path)))
            {
                break;
            }

            File.Move(path, Path.Combine(SentDirectory, name), overwrite: true);
            delivered.Add(name);
        }

        return delivered;
    }

    /// <summary>The batch file name of a device and batch number.</summary>
    public static string BatchFileName(uint deviceId, uint batchNumber) => $"batch-{deviceId:D10}-{batchNumber:D8}.ccb";

    /// <inheritdoc />
    public void Dispose()
    {
        journal.Dispose();
        lockStream.Dispose();
    }

    private string FinishClosing(uint number, ulong lastSequence, long created)
    {
        var batchRecords = records.Where(r => r.Sequence > closedThrough && r.Sequence <= lastSequence).Select(r => r.Record).ToList();
        var header = new BatchHeader
        {
            DeviceKind = Config.Kind,
            DeviceId = Config.DeviceId,
            PsamTerminal = batchRecords.Count > 0 && Config.Kind != DeviceKind.TaxiCollector ? batchRecords[0].Terminal : default,
            BatchNumber = number,
            CreatedUtc = DateTimeOffset.FromUnixTimeSeconds(created),
            OperatorId = Config.OperatorId,
            ParameterVersion = Parameters.Version,
        };
        var file = BatchCodec.Write(header, batchRecords, uploadKey);
        System.IO.Directory.CreateDirectory(OutboxDirectory);
        var name = BatchFileName(Config.DeviceId, number);
        var path = Path.Combine(OutboxDirectory, name);
        if (!File.Exists(Path.Combine(SentDirectory, name)))
        {
            WriteAtomically(path, file);
        }

        var closed = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(closed, number);
        journal.Append(JournalEntryType.BatchClosed, closed);
        closedThrough = lastSequence;
        AdvanceFirstOpen();
        lastBatchNumber = number;
        return path;
    }

    private void AddRecord(ulong sequence, TransactionRecord record)
    {
        records.Add((sequence, record));
        lastByCard[record.Asn] = record;
    }

    // Records are in sequence order and a batch always takes every open record, so the open ones are a suffix.
    private void AdvanceFirstOpen()
    {
        while (firstOpen < records.Count && records[firstOpen].Sequence <= closedThrough)
        {
            firstOpen++;
        }
    }

    private void LoadParameters()
    {
        var path = Path.Combine(Directory, ParametersFile);
        if (!File.Exists(path))
        {
            throw new TerminalException($"terminal folder {Directory}: no parameter file (parameters.json)");
        }

        try
        {
            var file = File.ReadAllBytes(path);
            Apply(ParameterFile.Verify(file, parameterKey), file);
        }
        catch (ParameterFileException e)
        {
            throw new TerminalException($"{path}: {e.Message}", e);
        }
    }

    private void Apply(TerminalParameters parameters, byte[] file)
    {
        Parameters = parameters;
        installedParameterFile = file;
        blacklist = parameters.Blacklist.Select(a => Asn.Parse(a, "blacklist").Value).ToHashSet();
    }

    private void Replay()
    {
        (uint Number, ulong Last, long Created)? closing = null;
        foreach (var entry in journal.Entries)
        {
            switch (entry.Type)
            {
                case JournalEntryType.Record:
                    AddRecord(entry.Sequence, RecordCodec.Read(entry.Payload, 0));
                    break;
                case JournalEntryType.Pending:
                    var transaction = JsonSerializer.Deserialize<PendingTransaction>(entry.Payload, ParameterFile.JsonOptions)
                        ?? throw new JournalException($"journal entry {entry.Sequence}: empty pending transaction");
                    pending[entry.Sequence] = transaction with { Sequence = entry.Sequence };
                    break;
                case JournalEntryType.PendingResolved:
                    pending.Remove(BinaryPrimitives.ReadUInt64BigEndian(entry.Payload));
                    break;
                case JournalEntryType.BatchClosing:
                    closing = (BinaryPrimitives.ReadUInt32BigEndian(entry.Payload), BinaryPrimitives.ReadUInt64BigEndian(entry.Payload.AsSpan(4)), BinaryPrimitives.ReadInt64BigEndian(entry.Payload.AsSpan(12)));
                    break;
                case JournalEntryType.BatchClosed:
                    closedThrough = closing?.Last ?? closedThrough;
                    AdvanceFirstOpen();
                    lastBatchNumber = BinaryPrimitives.ReadUInt32BigEndian(entry.Payload);
                    closing = null;
                    break;
                case JournalEntryType.RecordResolving:
                    pending.Remove(BinaryPrimitives.ReadUInt64BigEndian(entry.Payload));
                    AddRecord(entry.Sequence, RecordCodec.Read(entry.Payload.AsSpan(8), 0));
                    break;
                case JournalEntryType.Cash:
                    cash.Add(JsonSerializer.Deserialize<CashMovement>(entry.Payload, ParameterFile.JsonOptions)
                        ?? throw new JournalException($"journal entry {entry.Sequence}: empty cash movement"));
                    break;
                default:
                    throw new JournalException($"journal entry {entry.Sequence}: unknown type {entry.Type}");
            }
        }

        if (closing is { } unfinished)
        {
            // A crash between "closing" and "closed": write the same batch again, byte for byte.
            FinishClosing(unfinished.Number, unfinished.Last, unfinished.Created);
        }
    }

    private static void WriteAtomically(string path, byte[] content)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
