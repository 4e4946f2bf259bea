using System.Security.Cryptography;
using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Verification;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security.Keys;

namespace CityCard.Clearing.Pipeline;

/// <summary>
/// The part of ingesting a file that needs no database: its hash, header, records and file MAC, and each record's TAC
/// verdict and raw bytes. It runs before the write lock is taken (on every core), so concurrent uploads verify in
/// parallel and the lock is held only to decide and store. A format problem is kept and reported in the same order as
/// before: the header's first, then the device checks (under the lock), then the body's.
/// </summary>
internal sealed class PreparedBatch
{
    // Records verified per thread-pool work item.
    private const int Chunk = 2_048;

    private PreparedBatch(byte[] file, string sha256)
    {
        File = file;
        Sha256 = sha256;
    }

    public byte[] File { get; }

    /// <summary>SHA-256 of the file, upper-case hex.</summary>
    public string Sha256 { get; }

    public BatchHeader? Header { get; private init; }

    /// <summary>Why the header could not be read (the file is refused as malformed).</summary>
    public BatchFormatException? HeaderError { get; private init; }

    public BatchFile? Batch { get; private init; }

    /// <summary>Why the body or the file MAC did not verify.</summary>
    public BatchFormatException? BodyError { get; private init; }

    /// <summary>Per record: <see cref="ReasonCode.Cleared"/> when its TAC verifies (or it is an access event), else the TAC reason.</summary>
    public ReasonCode[] TacVerdicts { get; private init; } = [];

    /// <summary>Per record: its 80 bytes as uploaded.</summary>
    public byte[][] Raw { get; private init; } = [];

    public static PreparedBatch Of(byte[] file, IssuerKeySet uploadKeySet, TacKeyRing tacKeys)
    {
        var sha = Convert.ToHexString(SHA256.HashData(file));
        BatchHeader header;
        try
        {
            header = BatchCodec.ReadHeader(file);
        }
        catch (BatchFormatException e)
        {
            return new PreparedBatch(file, sha) { HeaderError = e };
        }

        BatchFile batch;
        try
        {
            batch = BatchCodec.ReadParallel(file, UploadKeys.Derive(uploadKeySet, header.DeviceId));
        }
        catch (BatchFormatException e)
        {
            return new PreparedBatch(file, sha) { Header = header, BodyError = e };
        }

        var records = batch.Records;
        var verdicts = new ReasonCode[records.Count];
        var raw = new byte[records.Count][];
        var chunks = (records.Count + Chunk - 1) / Chunk;
        Parallel.For(0, chunks, chunk =>
        {
            var end = Math.Min(records.Count, (chunk + 1) * Chunk);
            for (var i = chunk * Chunk; i < end; i++)
            {
                verdicts[i] = TacVerdict(records[i], tacKeys);
                raw[i] = file.AsSpan(BatchCodec.HeaderLength + (i * BatchCodec.RecordLength), BatchCodec.RecordLength).ToArray();
            }
        });
        return new PreparedBatch(file, sha) { Header = header, Batch = batch, TacVerdicts = verdicts, Raw = raw };
    }

    private static ReasonCode TacVerdict(TransactionRecord record, TacKeyRing tacKeys)
    {
        if (record.Kind == RecordKind.Access)
        {
            return ReasonCode.Cleared;
        }

        return tacKeys.VerifyTac(record) switch
        {
            null => ReasonCode.UnknownKeyVersion,
            true => ReasonCode.Cleared,
            false => ReasonCode.BadTac,
        };
    }
}
