using System.Buffers.Binary;

namespace CityCard.Terminals.Journal;

/// <summary>
/// An append-only, checksummed journal file. Each entry is
/// <c>magic "JE"(2) ‖ length(4) ‖ sequence(8) ‖ type(1) ‖ payload ‖ CRC-32C(4)</c> (the CRC covers length to payload).
/// <see cref="Append"/> returns only after the entry is flushed to the disk (fsync), so a terminal tells the passenger
/// "OK" only for what survives a power loss. On open, a torn tail (a partial last entry from a crash) is detected and cut
/// off; damage before the tail is refused, never skipped. A failed write makes the journal refuse further appends until
/// it is reopened, so no sale happens without its record.
/// </summary>
public sealed class TransactionJournal : IDisposable
{
    /// <summary>Largest payload accepted.</summary>
    public const int MaxPayload = 64 * 1024;

    private const ushort Magic = 0x4A45; // "JE"
    private const int Overhead = 2 + 4 + 8 + 1 + 4;

    private readonly FileStream stream;
    private readonly List<JournalEntry> entries;
    private readonly bool flushToDisk;
    private string? failure;

    private TransactionJournal(string path, FileStream stream, List<JournalEntry> entries, long truncatedBytes, bool flushToDisk)
    {
        this.flushToDisk = flushToDisk;
        Path = path;
        this.stream = stream;
        this.entries = entries;
        TruncatedTailBytes = truncatedBytes;
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>Every entry, oldest first.</summary>
    public IReadOnlyList<JournalEntry> Entries => entries;

    /// <summary>Bytes of a torn tail that were cut off when the journal was opened (0 normally).</summary>
    public long TruncatedTailBytes { get; }

    /// <summary>The next sequence number.</summary>
    public ulong NextSequence => entries.Count == 0 ? 1 : entries[^1].Sequence + 1;

    /// <summary>Test hook: called with the bytes about to be written; it may write part of them and throw to simulate a crash or a full disk.</summary>
    internal Action<FileStream, byte[]>? WriteFault { get; set; }

    /// <summary>
    /// Opens (or creates) a journal, recovering from a torn tail. <paramref name="flushToDisk"/> false skips the fsync of
    /// each append (the data still reaches the operating system); only the city simulator uses it, where a simulated
    /// terminal's "power" is the process itself.
    /// </summary>
    public static TransactionJournal Open(string path, bool flushToDisk = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JournalException($"journal {path}: cannot be opened for writing ({e.Message}); sales are stopped", e);
        }

        try
        {
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            var (entries, goodLength) = Scan(bytes, path);
            var truncated = bytes.Length - goodLength;
            if (truncated > 0)
            {
                stream.SetLength(goodLength);
                stream.Flush(flushToDisk: true);
            }

            stream.Seek(goodLength, SeekOrigin.Begin);
            return new TransactionJournal(path, stream, entries, truncated, flushToDisk);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends an entry and flushes it to the disk; returns it with its sequence number.</summary>
    public JournalEntry Append(byte type, ReadOnlySpan<byte> payload)
    {
        if (failure is not null)
        {
            throw new JournalException($"journal {Path}: a previous write failed ({failure}); sales are stopped until the journal is reopened");
        }

        if (payload.Length > MaxPayload)
        {
            throw new ArgumentException($"payload: at most {MaxPayload} bytes, got {payload.Length}", nameof(payload));
        }

        var sequence = NextSequence;
        var bytes = Encode(sequence, type, payload);
        var start = stream.Position;
        try
        {
            if (WriteFault is { } fault)
            {
                fault(stream, bytes);
            }

            stream.Write(bytes);
            stream.Flush(flushToDisk);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            failure = e.Message;
            TryCutBack(start);
            throw new JournalException($"journal {Path}: write failed ({e.Message}); the transaction was not recorded and sales are stopped", e);
        }

        var entry = new JournalEntry(sequence, type, payload.ToArray());
        entries.Add(entry);
        return entry;
    }

    /// <inheritdoc />
    public void Dispose() => stream.Dispose();

    internal static byte[] Encode(ulong sequence, byte type, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[Overhead + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, Magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(2), payload.Length);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(6), sequence);
        bytes[14] = type;
        payload.CopyTo(bytes.AsSpan(15));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(15 + payload.Length), Crc32C(bytes.AsSpan(2, 13 + payload.Length)));
        return bytes;
    }

    private static (List<JournalEntry> Entries, long GoodLength) Scan(byte[] bytes, string path)
    {
        var entries = new List<JournalEntry>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (!TryDecode(bytes, offset, out var entry, out var length))
            {
                // A crash can only tear the last append. If a whole valid entry follows, the damage is not a torn tail.
                for (var probe = offset + 1; probe <= bytes.Length - Overhead; probe++)
                {
                    if (TryDecode(bytes, probe, out _, out _))
                    {
                        throw new JournalException($"journal {path}: entry at byte {offset} is damaged and valid entries follow it; refusing to guess (restore the file or hand it to the centre)");
                    }
                }

                return (entries, offset);
            }

            var expected = entries.Count == 0 ? entry.Sequence : entries[^1].Sequence + 1;
            if (entries.Count > 0 && entry.Sequence != expected)
            {
                throw new JournalException($"journal {path}: entry at byte {offset} has sequence {entry.Sequence}, expected {expected}");
            }

            entries.Add(entry);
            offset += length;
        }

        return (entries, offset);
    }

    private static bool TryDecode(byte[] bytes, int offset, out JournalEntry entry, out int length)
    {
        entry = null!;
        length = 0;
        var span = bytes.AsSpan(offset);
        if (span.Length < Overhead || BinaryPrimitives.ReadUInt16BigEndian(span) != Magic)
        {
            return false;
        }

        var payloadLength = BinaryPrimitives.ReadInt32BigEndian(span[2..]);
        if (payloadLength is < 0 or > MaxPayload || span.Length < Overhead + payloadLength)
        {
            return false;
        }

        var crc = BinaryPrimitives.ReadUInt32BigEndian(span[(15 + payloadLength)..]);
        if (crc != Crc32C(span.Slice(2, 13 + payloadLength)))
        {
            return false;
        }

        entry = new JournalEntry(BinaryPrimitives.ReadUInt64BigEndian(span[6..]), span[14], span.Slice(15, payloadLength).ToArray());
        length = Overhead + payloadLength;
        return true;
    }

    private static uint Crc32C(ReadOnlySpan<byte> data) => Castagnoli.Compute(data);

    private void TryCutBack(long start)
    {
        try
        {
            stream.SetLength(start);
            stream.Seek(start, SeekOrigin.Begin);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            // The torn tail is cut off at the next open instead.
        }
    }
}
