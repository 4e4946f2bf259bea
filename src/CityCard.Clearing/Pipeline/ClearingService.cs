using System.Globalization;
using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Storage;
using CityCard.Clearing.Verification;
using CityCard.Records.Batches;
using CityCard.Security.Keys;

namespace CityCard.Clearing.Pipeline;

/// <summary>
/// Ingests batch files through the verification pipeline (docs/clearing.md): file level first (format, device, file MAC
/// under the device's upload key, trailer), then every record. Idempotent by (device id, batch number): the same file
/// again, or concurrently, gets the stored receipt and posts nothing. A refused file is stored with its reason.
/// </summary>
public sealed class ClearingService
{
    private readonly IClearingStore store;
    private readonly IssuerKeySet uploadKeySet;
    private readonly TacKeyRing tacKeys;
    private readonly TimeProvider clock;
    private readonly ClearingOptions options;

    /// <summary>Creates the service.</summary>
    /// <param name="store">The database.</param>
    /// <param name="uploadKeySet">The key set whose terminal master key devices' upload keys derive from.</param>
    /// <param name="tacKeys">Issuer TAC master keys by algorithm and key version.</param>
    /// <param name="clock">The time source (receipt times).</param>
    /// <param name="options">Pipeline limits; defaults when null.</param>
    public ClearingService(IClearingStore store, IssuerKeySet uploadKeySet, TacKeyRing tacKeys, TimeProvider clock, ClearingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(uploadKeySet);
        ArgumentNullException.ThrowIfNull(tacKeys);
        ArgumentNullException.ThrowIfNull(clock);
        this.store = store;
        this.uploadKeySet = uploadKeySet;
        this.tacKeys = tacKeys;
        this.clock = clock;
        this.options = options ?? new ClearingOptions();
    }

    /// <summary>Ingests one batch file and returns the centre's receipt.</summary>
    public IngestResult Ingest(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var now = Clock.Now(clock);
        var prepared = PreparedBatch.Of(file, uploadKeySet, tacKeys);
        return store.Write(writer => IngestLocked(writer, prepared, now));
    }

    /// <summary>Most files <see cref="IngestAll"/> commits in one transaction.</summary>
    public const int MaxFilesPerTransaction = 64;

    /// <summary>Files per transaction for bulk clearing (<c>citycard clear</c>, the benchmark): 8 batches of up to 50,000 records.</summary>
    public const int BulkFilesPerTransaction = 8;

    /// <summary>
    /// Ingests files one after the other with the answers of <see cref="Ingest(byte[])"/> (the same receipts and the same
    /// database), while the next file is read and verified on the other cores. Receipts are yielded in file order; the
    /// source is enumerated one file ahead.
    /// </summary>
    /// <param name="files">The batch files.</param>
    /// <param name="filesPerTransaction">
    /// 1 (the default): each file is its own transaction, exactly as an upload. More: up to that many files are committed
    /// together, all or nothing (each with its own receipt, yielded once the transaction committed), and each file's
    /// records are decided while the previous file's are written (<see cref="TransactionGroup"/>), across the commits too:
    /// the transactions are steps of one bulk write (<see cref="IBulkWrite"/>), and the next step's first file is decided
    /// while this step's last is written. If another writer may have committed between two steps, that file is cleared
    /// again from what is stored. A refused or replayed file met there is stored and answered in the earlier step. The
    /// write lock is held while the receipts are read, so the caller must not write to the store meanwhile. A crash loses
    /// the uncommitted files of a step, which clear normally when given again; a caller that stops reading receipts early
    /// may find the rest of that step already cleared (given again, they answer with their stored receipts).
    /// </param>
    public IEnumerable<IngestResult> IngestAll(IEnumerable<byte[]> files, int filesPerTransaction = 1)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfLessThan(filesPerTransaction, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(filesPerTransaction, MaxFilesPerTransaction);
        return IngestAllIterator(files, filesPerTransaction);
    }

    private IEnumerable<IngestResult> IngestAllIterator(IEnumerable<byte[]> files, int filesPerTransaction)
    {
        using var source = files.GetEnumerator();
        var next = PrepareNext(source);
        try
        {
            while (filesPerTransaction == 1 && next.GetAwaiter().GetResult() is { } current)
            {
                next = PrepareNext(source);
                yield return store.Write(writer => IngestLocked(writer, current.Prepared, current.ReceivedUtc));
            }

            if (filesPerTransaction > 1 && next.GetAwaiter().GetResult() is not null)
            {
                using var bulk = store.BeginBulkWrite();
                var group = new TransactionGroup(bulk.Writer, this, asns => store.Read(reader => reader.LoadCards(asns)));

                // The first file of the next step, decided while this step's last file was written (it is written in the
                // next step), and its answer, which the next step's commit makes final.
                (Pending File, IngestResult Answer)? ahead = null;
                while (true)
                {
                    var answers = new List<IngestResult>(filesPerTransaction + 1);
                    if (ahead is { } carried)
                    {
                        answers.Add(carried.Answer);
                    }

                    ahead = null;
                    group.Run(
                        () =>
                        {
                            while (answers.Count < filesPerTransaction && next.GetAwaiter().GetResult() is { } current)
                            {
                                next = PrepareNext(source);
                                answers.Add(group.Ingest(current.Prepared, current.ReceivedUtc));
                            }

                            if (next.GetAwaiter().GetResult() is { } following)
                            {
                                next = PrepareNext(source);
                                var answer = group.Ingest(following.Prepared, following.ReceivedUtc);
                                if (group.HasDecided)
                                {
                                    ahead = (following, answer);
                                }
                                else
                                {
                                    // Refused or replayed: answered and stored in this step.
                                    answers.Add(answer);
                                }
                            }
                        });

                    if (ahead is null && next.GetAwaiter().GetResult() is null)
                    {
                        group.WriteDecided();
                        bulk.Commit();
                        foreach (var result in answers)
                        {
                            yield return result;
                        }

                        break;
                    }

                    var alone = bulk.CommitAndContinue();
                    group.StepCommitted();
                    if (!alone && ahead is { } stale)
                    {
                        // Another writer may have committed between the steps: the file carried over is cleared again
                        // from what is stored now (refused or replayed this time, its answer is stored in the new step).
                        group.DropDecided();
                        ahead = (stale.File, group.Ingest(stale.File.Prepared, stale.File.ReceivedUtc));
                    }

                    foreach (var result in answers)
                    {
                        yield return result;
                    }
                }
            }
        }
        finally
        {
            // Stopped early or failed: the file being prepared is dropped, but the source is not disposed under it.
            ((IAsyncResult)next).AsyncWaitHandle.WaitOne();
        }
    }

    private Task<Pending?> PrepareNext(IEnumerator<byte[]> source) => Task.Run(() =>
    {
        if (!source.MoveNext())
        {
            return null;
        }

        var file = source.Current ?? throw new InvalidOperationException("IngestAll: a file in the sequence is null");
        return (Pending?)new Pending(PreparedBatch.Of(file, uploadKeySet, tacKeys), Clock.Now(clock));
    });

    private IngestResult IngestLocked(IClearingWriter writer, PreparedBatch prepared, DateTimeOffset now)
    {
        if (CheckFile(writer, prepared, now, out var template, out var device) is { } answer)
        {
            return answer;
        }

        var header = prepared.Header!;
        var processor = new BatchProcessor(writer, options, header, deviceHasPsam: device!.PsamTerminal != default);
        var write = processor.Process(prepared, template, template.BusinessDate!.Value);
        writer.SaveBatch(write);
        return new IngestResult(write.Receipt, Replayed: false);
    }

    /// <summary>
    /// The file-level checks in their order (docs/clearing.md "File level"): the answer for a refused or replayed file
    /// (a refusal is stored), or null when its records are to be cleared, with the receipt template for them.
    /// </summary>
    internal static IngestResult? CheckFile(IClearingWriter writer, PreparedBatch prepared, DateTimeOffset now, out BatchReceipt template, out Device? device)
    {
        device = null;
        var file = prepared.File;
        var calendar = Settings.Calendar(writer);
        template = new BatchReceipt { FileSha256 = prepared.Sha256, Status = BatchStatus.Cleared, ReceivedUtc = now };
        if (prepared.Header is not { } header)
        {
            return Refuse(writer, file, template, FileRefusal.Malformed, prepared.HeaderError!.Message);
        }

        template = template with { DeviceId = header.DeviceId, BatchNumber = header.BatchNumber, BusinessDate = calendar.DayOf(header.CreatedUtc) };
        device = writer.FindDevice(header.DeviceId);
        if (device is null)
        {
            return Refuse(writer, file, template, FileRefusal.UnknownDevice, $"device {header.DeviceId} is not registered");
        }

        if (device.Status == DeviceStatus.Revoked)
        {
            return Refuse(writer, file, template, FileRefusal.RevokedDevice, $"device {header.DeviceId} is revoked");
        }

        if (device.Kind != header.DeviceKind || device.OperatorId != header.OperatorId)
        {
            return Refuse(writer, file, template, FileRefusal.DeviceMismatch,
                $"device {header.DeviceId} is registered as {device.Kind} of operator {device.OperatorId}, the header says {header.DeviceKind} of operator {header.OperatorId}");
        }

        // The records carry the PSAM's terminal number and are checked against the header's, so a header that names a PSAM
        // must name the one registered for the device: else a device could clear records made with another device's PSAM
        // (a bus validator's taps as a shop's sales) under its own merchant. A header without one (an empty batch, a taxi
        // collector's, whose records are checked against its company's meters) and a device registered without a PSAM
        // (a door reader) are left to the record-level terminal check.
        if (device.PsamTerminal != default && header.PsamTerminal != default && device.PsamTerminal != header.PsamTerminal)
        {
            return Refuse(writer, file, template, FileRefusal.DeviceMismatch,
                $"device {header.DeviceId} is registered with PSAM terminal {device.PsamTerminal}, the header says {header.PsamTerminal}");
        }

        if (prepared.BodyError is { } e)
        {
            return Refuse(writer, file, template, e.Field == "file MAC" ? FileRefusal.BadFileMac : FileRefusal.Malformed, e.Message);
        }

        var sha = prepared.Sha256;
        if (writer.FindBatch(header.DeviceId, header.BatchNumber) is { } existing)
        {
            return string.Equals(existing.Receipt.FileSha256, sha, StringComparison.Ordinal)
                ? new IngestResult(existing.Receipt, Replayed: true)
                : Refuse(writer, file, template, FileRefusal.BatchNumberReused,
                    $"device {header.DeviceId} already uploaded a different batch number {header.BatchNumber} (file {existing.Receipt.FileSha256})");
        }

        return null;
    }

    internal ClearingOptions Options => options;

    /// <summary>
    /// The most of a refused file kept when it was refused before its file MAC verified. Anyone can send bytes to the
    /// centre, so an unauthenticated refusal keeps its evidence bounded: the SHA-256 of the whole file (in the receipt),
    /// its length (in the message) and its first 64 KiB (a header and some 800 records). The terminal that made a
    /// genuine file still has it: a refused file stays in its outbox.
    /// </summary>
    internal const int UnauthenticatedEvidenceBytes = 64 * 1024;

    private static IngestResult Refuse(IClearingWriter writer, byte[] file, BatchReceipt template, FileRefusal refusal, string message)
    {
        if (writer.FindRefusedFile(template.FileSha256, refusal) is { } stored)
        {
            return new IngestResult(stored, Replayed: true);
        }

        // Only a reused batch number is refused after the file MAC verified: its file is the device's own, kept whole.
        var kept = refusal == FileRefusal.BatchNumberReused || file.Length <= UnauthenticatedEvidenceBytes
            ? file
            : file.AsSpan(0, UnauthenticatedEvidenceBytes);
        if (kept.Length < file.Length)
        {
            message += string.Create(CultureInfo.InvariantCulture, $" (not authenticated: its first {kept.Length:N0} of {file.Length:N0} bytes are kept, with the SHA-256 of all of them)");
        }

        var receipt = template with { Status = BatchStatus.Refused, Refusal = refusal, Message = message };
        writer.SaveRefusedFile(receipt, kept);
        return new IngestResult(receipt, Replayed: false);
    }

    private sealed record Pending(PreparedBatch Prepared, DateTimeOffset ReceivedUtc);
}
