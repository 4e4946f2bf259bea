using System.Buffers.Binary;
using System.Security.Cryptography;
using CityCard.Security.Ep;

namespace CityCard.Records.Batches;

/// <summary>
/// Writes and reads batch file format v1 (docs/batch-format.md): a 48-byte header, 80-byte records and a 32-byte trailer
/// with the record count, the amount sum and a 16-byte file MAC (HMAC-SHA256 under the device's upload key, truncated).
/// The reader checks every field and reports the first problem with its byte offset and field name.
/// </summary>
public static class BatchCodec
{
    /// <summary>Header length in bytes.</summary>
    public const int HeaderLength = 48;

    /// <summary>Record length in bytes.</summary>
    public const int RecordLength = 80;

    /// <summary>Trailer length in bytes.</summary>
    public const int TrailerLength = 32;

    /// <summary>The most records one batch may hold.</summary>
    public const int MaxRecords = 1_000_000;

    /// <summary>The largest batch file, bytes: header, <see cref="MaxRecords"/> records, trailer.</summary>
    public const int MaxFileLength = HeaderLength + (RecordLength * MaxRecords) + TrailerLength;

    /// <summary>Format version written and read.</summary>
    public const ushort FormatVersion = 1;

    /// <summary>File MAC length in bytes.</summary>
    public const int MacLength = 16;

    private const uint HeaderMagic = 0x43434246; // "CCBF"
    private const uint TrailerMagic = 0x43435452; // "CCTR"

    // Records decoded per thread-pool work item by ReadParallel (large enough that scheduling costs little).
    private const int ParallelChunk = 4_096;

    /// <summary>Serialises a batch and signs it with the device's upload key.</summary>
    public static byte[] Write(BatchHeader header, IReadOnlyList<TransactionRecord> records, ReadOnlySpan<byte> uploadKey)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count > MaxRecords)
        {
            throw new ArgumentException($"records: at most {MaxRecords} per batch, got {records.Count}", nameof(records));
        }

        RequireKey(uploadKey);
        var file = new byte[HeaderLength + (records.Count * RecordLength) + TrailerLength];
        WriteHeader(header, file);
        long sum = 0;
        for (var i = 0; i < records.Count; i++)
        {
            RecordCodec.Write(records[i], file.AsSpan(HeaderLength + (i * RecordLength), RecordLength));
            sum += records[i].AmountFen;
        }

        var trailer = file.AsSpan(file.Length - TrailerLength);
        BinaryPrimitives.WriteUInt32BigEndian(trailer, TrailerMagic);
        BinaryPrimitives.WriteUInt32BigEndian(trailer[4..], (uint)records.Count);
        BinaryPrimitives.WriteInt64BigEndian(trailer[8..], sum);
        ComputeMac(uploadKey, file.AsSpan(0, file.Length - MacLength), trailer[16..]);
        return file;
    }

    /// <summary>Reads only the header (to find the device and its key before verifying the whole file).</summary>
    public static BatchHeader ReadHeader(ReadOnlySpan<byte> file)
    {
        if (file.Length < HeaderLength)
        {
            throw new BatchFormatException(file.Length, "header", $"file ends after {file.Length} bytes; the header needs {HeaderLength}");
        }

        Expect(BinaryPrimitives.ReadUInt32BigEndian(file) == HeaderMagic, 0, "magic", "not a CityCard batch file (expected \"CCBF\")");
        var version = BinaryPrimitives.ReadUInt16BigEndian(file[4..]);
        Expect(version == FormatVersion, 4, "format version", $"version {version} is not supported (this program reads version {FormatVersion})");
        Expect(BinaryPrimitives.ReadUInt16BigEndian(file[6..]) == HeaderLength, 6, "header length", $"must be {HeaderLength}");
        Expect(BinaryPrimitives.ReadUInt16BigEndian(file[8..]) == RecordLength, 8, "record length", $"must be {RecordLength}");
        var kind = file[10];
        Expect(Enum.IsDefined((DeviceKind)kind), 10, "device kind", $"{kind} is not a device kind (1..7)");
        Expect(file[11] == 0, 11, "reserved", "must be zero");
        Expect(BinaryPrimitives.ReadUInt16BigEndian(file[22..]) == 0, 22, "reserved", "must be zero");
        var batchNumber = BinaryPrimitives.ReadUInt32BigEndian(file[24..]);
        Expect(batchNumber != 0, 24, "batch number", "must be 1 or more");
        var created = BinaryPrimitives.ReadInt64BigEndian(file[28..]);
        Expect(created is >= 946_684_800 and <= 4_102_444_800, 28, "created time", $"{created} is not a time between 2000 and 2100 (Unix seconds)");
        Expect(BinaryPrimitives.ReadUInt32BigEndian(file[44..]) == 0, 44, "reserved", "must be zero");
        return new BatchHeader
        {
            DeviceKind = (DeviceKind)kind,
            DeviceId = BinaryPrimitives.ReadUInt32BigEndian(file[12..]),
            PsamTerminal = TerminalId.Read(file[16..]),
            BatchNumber = batchNumber,
            CreatedUtc = DateTimeOffset.FromUnixTimeSeconds(created),
            OperatorId = BinaryPrimitives.ReadUInt32BigEndian(file[36..]),
            ParameterVersion = BinaryPrimitives.ReadUInt32BigEndian(file[40..]),
        };
    }

    /// <summary>
    /// Reads and verifies a whole batch: structure, every record field, the trailer count and sum, and the file MAC under
    /// <paramref name="uploadKey"/>. Throws <see cref="BatchFormatException"/> naming the offset and field of the first problem.
    /// </summary>
    public static BatchFile Read(ReadOnlySpan<byte> file, ReadOnlySpan<byte> uploadKey)
    {
        RequireKey(uploadKey);
        var batch = ReadUnverified(file);
        Span<byte> expected = stackalloc byte[MacLength];
        ComputeMac(uploadKey, file[..^MacLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, file[^MacLength..]))
        {
            throw new BatchFormatException(file.Length - MacLength, "file MAC", "does not verify: the file was altered or signed with another device's key");
        }

        return batch;
    }

    /// <summary>
    /// <see cref="Read(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> for a file held in an array: the same checks and the same
    /// first problem reported, with the records decoded in chunks on the thread pool while the file MAC is computed.
    /// </summary>
    public static BatchFile ReadParallel(byte[] file, ReadOnlySpan<byte> uploadKey)
    {
        ArgumentNullException.ThrowIfNull(file);
        RequireKey(uploadKey);
        var (header, count) = ReadStructure(file);
        if (count < ParallelChunk * 2)
        {
            return Read(file, uploadKey);
        }

        var key = uploadKey.ToArray();
        var expected = new byte[MacLength];
        var records = new TransactionRecord[count];
        var chunks = (count + ParallelChunk - 1) / ParallelChunk;
        var sums = new long[chunks];
        var errors = new BatchFormatException?[chunks];
        Parallel.For(-1, chunks, chunk =>
        {
            if (chunk < 0)
            {
                ComputeMac(key, file.AsSpan(0, file.Length - MacLength), expected);
                return;
            }

            var from = chunk * ParallelChunk;
            try
            {
                sums[chunk] = ReadRecords(file, from, Math.Min(count, from + ParallelChunk), records);
            }
            catch (BatchFormatException e)
            {
                errors[chunk] = e;
            }
        });
        if (Array.Find(errors, e => e is not null) is { } first)
        {
            throw first;
        }

        long sum = 0;
        foreach (var part in sums)
        {
            sum += part;
        }

        CheckSum(file, sum);
        if (!CryptographicOperations.FixedTimeEquals(expected, file.AsSpan(file.Length - MacLength)))
        {
            throw new BatchFormatException(file.Length - MacLength, "file MAC", "does not verify: the file was altered or signed with another device's key");
        }

        return new BatchFile(header, records);
    }

    /// <summary>Reads a batch and checks everything except the file MAC (for inspection when no key is at hand).</summary>
    public static BatchFile ReadUnverified(ReadOnlySpan<byte> file)
    {
        var (header, count) = ReadStructure(file);
        var records = new TransactionRecord[count];
        CheckSum(file, ReadRecords(file, 0, count, records));
        return new BatchFile(header, records);
    }

    // Header, lengths, trailer magic and record count: everything before the records themselves.
    private static (BatchHeader Header, int Count) ReadStructure(ReadOnlySpan<byte> file)
    {
        var header = ReadHeader(file);
        var body = file.Length - HeaderLength - TrailerLength;
        if (body < 0)
        {
            throw new BatchFormatException(file.Length, "trailer", $"file ends after {file.Length} bytes; header and trailer alone need {HeaderLength + TrailerLength}");
        }

        if (body % RecordLength != 0)
        {
            throw new BatchFormatException(HeaderLength + (body / RecordLength * RecordLength), "record", $"file length {file.Length} leaves a partial record of {body % RecordLength} bytes (truncated or padded file)");
        }

        var count = body / RecordLength;
        Expect(count <= MaxRecords, HeaderLength, "records", $"{count} records exceed the maximum of {MaxRecords}");
        var trailerOffset = file.Length - TrailerLength;
        var trailer = file[trailerOffset..];
        Expect(BinaryPrimitives.ReadUInt32BigEndian(trailer) == TrailerMagic, trailerOffset, "trailer magic", "expected \"CCTR\" (truncated or padded file)");
        var declared = BinaryPrimitives.ReadUInt32BigEndian(trailer[4..]);
        Expect(declared == count, trailerOffset + 4, "record count", $"trailer says {declared} records, the file holds {count}");
        return (header, count);
    }

    // Decodes records [from, to) into their slots and returns their amount sum; throws at the first bad record.
    private static long ReadRecords(ReadOnlySpan<byte> file, int from, int to, TransactionRecord[] records)
    {
        long sum = 0;
        for (var i = from; i < to; i++)
        {
            var offset = HeaderLength + (i * RecordLength);
            var record = RecordCodec.Read(file.Slice(offset, RecordLength), offset);
            records[i] = record;
            sum += record.AmountFen;
        }

        return sum;
    }

    private static void CheckSum(ReadOnlySpan<byte> file, long sum)
    {
        var trailerOffset = file.Length - TrailerLength;
        var declaredSum = BinaryPrimitives.ReadInt64BigEndian(file[(trailerOffset + 8)..]);
        if (declaredSum != sum)
        {
            throw new BatchFormatException(trailerOffset + 8, "amount sum", $"trailer says {declaredSum} fen, the records sum to {sum} fen");
        }
    }

    private static void WriteHeader(BatchHeader header, Span<byte> file)
    {
        BinaryPrimitives.WriteUInt32BigEndian(file, HeaderMagic);
        BinaryPrimitives.WriteUInt16BigEndian(file[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16BigEndian(file[6..], HeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(file[8..], RecordLength);
        if (!Enum.IsDefined(header.DeviceKind))
        {
            throw new ArgumentException($"header: device kind {header.DeviceKind} is not defined", nameof(header));
        }

        if (header.BatchNumber == 0)
        {
            throw new ArgumentException("header: batch numbers start at 1", nameof(header));
        }

        file[10] = (byte)header.DeviceKind;
        BinaryPrimitives.WriteUInt32BigEndian(file[12..], header.DeviceId);
        header.PsamTerminal.WriteTo(file[16..]);
        BinaryPrimitives.WriteUInt32BigEndian(file[24..], header.BatchNumber);
        BinaryPrimitives.WriteInt64BigEndian(file[28..], header.CreatedUtc.ToUnixTimeSeconds());
        BinaryPrimitives.WriteUInt32BigEndian(file[36..], header.OperatorId);
        BinaryPrimitives.WriteUInt32BigEndian(file[40..], header.ParameterVersion);
    }

    private static void ComputeMac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(key, data, full);
        full[..MacLength].CopyTo(mac);
    }

    private static void RequireKey(ReadOnlySpan<byte> uploadKey)
    {
        if (uploadKey.Length != 16)
        {
            throw new ArgumentException($"uploadKey: expected 16 bytes, got {uploadKey.Length}", nameof(uploadKey));
        }
    }

    private static void Expect(bool condition, long offset, string field, string problem)
    {
        if (!condition)
        {
            throw new BatchFormatException(offset, field, problem);
        }
    }
}
