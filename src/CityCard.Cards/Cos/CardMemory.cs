using System.Buffers.Binary;
using CityCard.Cards.Application;
using CityCard.Cards.Chip;

namespace CityCard.Cards.Cos;

/// <summary>
/// The card's persistent memory (its EEPROM): the purse, flags, the EF 0018 ring, the CAPP records, the transaction
/// proofs, and a transaction journal that makes a multi-area update atomic.
/// </summary>
/// <remarks>
/// <para>Layout (big-endian): balance(4, two's complement) ‖ overdraft limit(3) ‖ online counter(2) ‖ offline counter(2) ‖
/// next history slot(1) ‖ history count(1) ‖ next proof slot(1) — together the 14-byte purse area — then blocked flag(1) ‖
/// PIN tries left(1) ‖ history slots (N × 23) ‖ CAPP records (M × 48) ‖ proof slots (4 × 11: type ‖ counter after ‖
/// MAC2 ‖ TAC; type 00 = empty) ‖ journal.</para>
/// <para>Journal: commit flag(1) ‖ entry count(1) ‖ entries, each target offset(2) ‖ length(1) ‖ new bytes. A commit writes
/// every entry, then the count, then sets the flag (the commit point, a single byte), then copies each entry to its target,
/// then clears the flag. At power-on a set flag means the commit point was passed: the entries are copied again (copying
/// is idempotent) and the flag cleared. A clear flag means the journal is stale and is ignored. So any cut leaves either
/// the old or the new contents of every area, never a mix.</para>
/// </remarks>
internal sealed class CardMemory
{
    public const int BalanceOffset = 0;
    public const int OverdraftOffset = 4;
    public const int OnlineCounterOffset = 7;
    public const int OfflineCounterOffset = 9;
    public const int HistoryNextOffset = 11;
    public const int HistoryCountOffset = 12;
    public const int ProofNextOffset = 13;
    public const int PurseAreaLength = 14;
    public const int BlockedOffset = 14;
    public const int PinTriesOffset = 15;
    public const int HistoryOffset = 16;
    public const int ProofSlotCount = 4;
    public const int ProofLength = 11;
    public const int MaxOverdraftLimit = 0xFF_FFFF;
    private const int EntryHeaderLength = 3;

    private readonly byte[] bytes;
    private readonly int cappOffset;
    private readonly int proofOffset;
    private readonly int journalOffset;
    private ITearingHook? hook;
    private int writeIndex;

    public CardMemory(int historyCapacity, int cappRecordCount, byte[]? contents = null)
    {
        HistoryCapacity = historyCapacity;
        CappRecordCount = cappRecordCount;
        cappOffset = HistoryOffset + (historyCapacity * TransactionRecord.Length);
        proofOffset = cappOffset + (cappRecordCount * CityCardApplication.CappRecordLength);
        journalOffset = proofOffset + (ProofSlotCount * ProofLength);
        var size = journalOffset + JournalCapacity(cappRecordCount);
        if (contents is not null && contents.Length != size)
        {
            throw new ArgumentException($"memory: expected {size} bytes for {historyCapacity} history and {cappRecordCount} CAPP records, got {contents.Length}", nameof(contents));
        }

        bytes = contents ?? new byte[size];
    }

    public int HistoryCapacity { get; }

    public int CappRecordCount { get; }

    public int Size => bytes.Length;

    /// <summary>The tearing hook; attaching one restarts the write-step count at 0.</summary>
    public ITearingHook? Hook
    {
        get => hook;
        set
        {
            hook = value;
            writeIndex = 0;
        }
    }

    public int Balance => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(BalanceOffset));

    public int OverdraftLimit => ReadU24(bytes.AsSpan(OverdraftOffset));

    public ushort OnlineCounter => BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(OnlineCounterOffset));

    public ushort OfflineCounter => BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(OfflineCounterOffset));

    public int HistoryNext => bytes[HistoryNextOffset];

    public int HistoryCount => bytes[HistoryCountOffset];

    public int ProofNext => bytes[ProofNextOffset];

    public bool IsBlocked => bytes[BlockedOffset] != 0;

    public int PinTries => bytes[PinTriesOffset];

    /// <summary>The purse area (the first 14 bytes), for building its journal entry.</summary>
    public ReadOnlySpan<byte> PurseArea => bytes.AsSpan(0, PurseAreaLength);

    /// <summary>Everything but the journal: what "the card's state" means to a tearing test.</summary>
    public ReadOnlySpan<byte> DataRegion => bytes.AsSpan(0, journalOffset);

    public static int JournalCapacity(int cappRecordCount) =>
        2 + (EntryHeaderLength + PurseAreaLength) + (EntryHeaderLength + TransactionRecord.Length) + (EntryHeaderLength + ProofLength)
        + (cappRecordCount * (EntryHeaderLength + CityCardApplication.CappRecordLength));

    public static int ReadU24(ReadOnlySpan<byte> source) => (source[0] << 16) | (source[1] << 8) | source[2];

    public static void WriteU24(Span<byte> destination, int value)
    {
        destination[0] = (byte)((value >> 16) & 0xFF);
        destination[1] = (byte)((value >> 8) & 0xFF);
        destination[2] = (byte)(value & 0xFF);
    }

    public byte[] Export() => (byte[])bytes.Clone();

    public static int HistorySlotOffset(int slot) => HistoryOffset + (slot * TransactionRecord.Length);

    public int CappRecordOffset(int recordNumber) => cappOffset + ((recordNumber - 1) * CityCardApplication.CappRecordLength);

    public int ProofSlotOffset(int slot) => proofOffset + (slot * ProofLength);

    /// <summary>Record <paramref name="recordNumber"/> of EF 0018 (1 = newest), or empty when not written yet.</summary>
    public ReadOnlySpan<byte> HistoryRecord(int recordNumber)
    {
        if (recordNumber < 1 || recordNumber > HistoryCount)
        {
            return default;
        }

        var slot = (HistoryNext - recordNumber + HistoryCapacity) % HistoryCapacity;
        return bytes.AsSpan(HistorySlotOffset(slot), TransactionRecord.Length);
    }

    public ReadOnlySpan<byte> CappRecord(int recordNumber) =>
        bytes.AsSpan(CappRecordOffset(recordNumber), CityCardApplication.CappRecordLength);

    public ReadOnlySpan<byte> ProofSlot(int slot) => bytes.AsSpan(ProofSlotOffset(slot), ProofLength);

    /// <summary>Writes memory in one step that the tearing hook may interrupt.</summary>
    public void Write(int offset, ReadOnlySpan<byte> data)
    {
        var index = writeIndex++;
        if (hook?.CutPower(index, data.Length) is { } kept)
        {
            var written = Math.Clamp(kept, 0, data.Length);
            data[..written].CopyTo(bytes.AsSpan(offset));
            throw new PowerLossException(index, written, data.Length);
        }

        data.CopyTo(bytes.AsSpan(offset));
    }

    public void WriteByte(int offset, byte value) => Write(offset, [value]);

    /// <summary>Updates several areas atomically through the journal (see the class remarks).</summary>
    public void Commit(IReadOnlyList<JournalEntry> entries)
    {
        if (entries.Count > 255)
        {
            throw new InvalidOperationException("journal: too many entries");
        }

        var position = journalOffset + 2;
        foreach (var entry in entries)
        {
            var end = position + EntryHeaderLength + entry.Data.Length;
            if (end > bytes.Length || entry.Offset < 0 || entry.Offset + entry.Data.Length > journalOffset || entry.Data.Length > 255)
            {
                throw new InvalidOperationException("journal: an entry does not fit (a card layout bug)");
            }

            var record = new byte[EntryHeaderLength + entry.Data.Length];
            BinaryPrimitives.WriteUInt16BigEndian(record, (ushort)entry.Offset);
            record[2] = (byte)entry.Data.Length;
            entry.Data.CopyTo(record, EntryHeaderLength);
            Write(position, record);
            position = end;
        }

        WriteByte(journalOffset + 1, (byte)entries.Count);
        WriteByte(journalOffset, 0x01);
        foreach (var entry in entries)
        {
            Write(entry.Offset, entry.Data);
        }

        WriteByte(journalOffset, 0x00);
    }

    /// <summary>Completes a commit that passed its commit point before a power loss (see the class remarks).</summary>
    public void Recover()
    {
        if (bytes[journalOffset] == 0)
        {
            return;
        }

        var position = journalOffset + 2;
        for (var i = 0; i < bytes[journalOffset + 1]; i++)
        {
            var offset = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(position));
            var length = bytes[position + 2];
            Write(offset, bytes.AsSpan(position + EntryHeaderLength, length));
            position += EntryHeaderLength + length;
        }

        WriteByte(journalOffset, 0x00);
    }

    /// <summary>Checks the journal's structure (before <see cref="Recover"/>); returns a problem description or null.</summary>
    public string? CheckJournal()
    {
        var flag = bytes[journalOffset];
        if (flag > 1)
        {
            return $"journal commit flag is {flag:X2} (expected 00 or 01)";
        }

        if (flag == 0)
        {
            return null;
        }

        var position = journalOffset + 2;
        for (var i = 0; i < bytes[journalOffset + 1]; i++)
        {
            if (position + EntryHeaderLength > bytes.Length)
            {
                return "journal entry header runs past the end of memory";
            }

            var offset = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(position));
            var length = bytes[position + 2];
            if (offset + length > journalOffset || position + EntryHeaderLength + length > bytes.Length)
            {
                return $"journal entry {i + 1} points outside the card's data";
            }

            position += EntryHeaderLength + length;
        }

        return null;
    }

    /// <summary>Checks the data region's invariants (after <see cref="Recover"/>); returns a problem description or null.</summary>
    public string? CheckData(int pinTryLimit)
    {
        if (Balance < -OverdraftLimit)
        {
            return $"balance {Balance} is below minus the overdraft limit {OverdraftLimit}";
        }

        if (HistoryNext >= HistoryCapacity || HistoryCount > HistoryCapacity)
        {
            return "EF 0018 ring pointers are outside the file";
        }

        if (ProofNext >= ProofSlotCount)
        {
            return "transaction-proof pointer is outside its table";
        }

        if (bytes[BlockedOffset] > 1)
        {
            return "application blocked flag is neither 00 nor 01";
        }

        return PinTries > pinTryLimit ? $"PIN tries left ({PinTries}) exceed the limit ({pinTryLimit})" : null;
    }
}
