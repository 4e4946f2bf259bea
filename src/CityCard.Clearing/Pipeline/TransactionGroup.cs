using CityCard.Clearing.Registry;
using CityCard.Clearing.Storage;
using CityCard.Records;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Pipeline;

/// <summary>
/// Files ingested one after another by one writer (<see cref="ClearingService.IngestAll"/> with more than one file per
/// transaction: the steps of a bulk write, whose commits the caller makes between files), each file's records decided on
/// the calling thread while the previous file's are written on another.
/// The connection is never used by both threads at once: a file's checks and its prefetch (cards, earlier records) read
/// the database only while no write is under way, and then the previous file's write starts; every later read of the
/// decision (rare: records out of order, a merchant or meter not looked up before) first waits for that write to end.
/// The previous file's effects that are not in the database yet are carried in memory (<see cref="BatchProcessor.Carry"/>):
/// its cards' final state and its records, so the answers are those of one file at a time. A file that is refused, is
/// replayed or repeats the batch key of the unwritten file is handled after everything before it was written, exactly as
/// <see cref="ClearingService.Ingest(byte[])"/> would.
/// Given a way to read committed cards on another connection, a file's cards are read there while the file before the
/// decided one is still being written: what the bulk write has changed and not committed is taken from memory instead
/// (the decided file's cards from its carry, the cards of the step's earlier files from <c>stepCards</c>), so the
/// committed state of every other card is the state the writer would read.
/// </summary>
internal sealed class TransactionGroup(
    IClearingWriter writer,
    ClearingService service,
    Func<IReadOnlyCollection<Asn>, IReadOnlyDictionary<Asn, CardAccount>>? readCommittedCards = null)
{
    // Every card the files of this step changed, in its latest state; the step's commit makes them readable elsewhere.
    private readonly Dictionary<Asn, CardAccount> stepCards = [];

    // The cards a file asks the other connection for (kept between files for its capacity).
    private readonly HashSet<Asn> unchanged = [];

    // Decided and not yet handed to the writing thread, with what it carries to the next file.
    private BatchWrite? decided;
    private BatchProcessor.Carry? carry;

    // The write of the file before it, under way on another thread (null when none).
    private Task? writing;

    /// <summary>
    /// Runs the caller's work on the group and, whatever happens, waits for the write under way before the transaction
    /// ends; the decided file stays unwritten (the caller writes it with <see cref="WriteDecided"/> or carries it into
    /// the next step of its bulk write).
    /// </summary>
    public void Run(Action work)
    {
        try
        {
            work();
            WaitForWrite();
        }
        catch
        {
            // The transaction is rolled back by the caller: first let a write under way stop using the connection.
            try
            {
                writing?.Wait();
            }
            catch (AggregateException)
            {
                // The first failure is the one being thrown.
            }

            throw;
        }
    }

    public IngestResult Ingest(PreparedBatch prepared, DateTimeOffset receivedUtc)
    {
        var header = prepared.Header;
        var plain = header is not null && prepared.HeaderError is null && prepared.BodyError is null
            && (decided is null || decided.Header.DeviceId != header.DeviceId || decided.Header.BatchNumber != header.BatchNumber);

        // While the write under way runs on the writer's connection.
        var committed = plain && readCommittedCards is not null ? Preload(prepared.Batch!.Records, readCommittedCards) : null;
        WaitForWrite();
        if (!plain)
        {
            // Refusals and repeats are answered against everything before them, written.
            WriteDecided();
        }

        if (ClearingService.CheckFile(writer, prepared, receivedUtc, out var template, out var device) is { } answer)
        {
            return answer;
        }

        var processor = new BatchProcessor(writer, service.Options, header!, carry, WaitForWrite, committed is null ? null : (stepCards, committed), device!.PsamTerminal != default);
        var write = processor.Process(prepared, template, template.BusinessDate!.Value, afterPrefetch: StartWritingDecided);
        decided = write;
        carry = processor.CarryOver();
        foreach (var card in write.UpdatedCards)
        {
            stepCards[card.Asn] = card;
        }

        return new IngestResult(write.Receipt, Replayed: false);
    }

    // The file's cards that neither the decided file's carry nor this step's changes have, read committed (so as the
    // writer would find them once the files before are written).
    private IReadOnlyDictionary<Asn, CardAccount> Preload(IReadOnlyList<TransactionRecord> records, Func<IReadOnlyCollection<Asn>, IReadOnlyDictionary<Asn, CardAccount>> read)
    {
        unchanged.Clear();
        foreach (var record in records)
        {
            var asn = record.Asn;
            if ((carry is null || !carry.Cards.ContainsKey(asn)) && !stepCards.ContainsKey(asn))
            {
                unchanged.Add(asn);
            }
        }

        var committed = unchanged.Count > 0 ? read(unchanged) : new Dictionary<Asn, CardAccount>();
        unchanged.Clear();
        return committed;
    }

    /// <summary>
    /// The step was committed: its changes are readable on other connections now, except the decided file's (written in
    /// the next step).
    /// </summary>
    public void StepCommitted()
    {
        stepCards.Clear();
        if (decided is { } ahead)
        {
            foreach (var card in ahead.UpdatedCards)
            {
                stepCards[card.Asn] = card;
            }
        }
    }

    // The prefetch of the next file is done: the decided file is written while the next is decided.
    private void StartWritingDecided()
    {
        if (decided is { } batch)
        {
            decided = null;
            writing = Task.Run(() => writer.SaveBatch(batch));
        }
    }

    /// <summary>A file decided and not yet written (it is written by the next <see cref="Ingest"/> or <see cref="WriteDecided"/>).</summary>
    public bool HasDecided => decided is not null;

    /// <summary>
    /// Forgets the decided file and what it carried, unwritten: the database may have changed under it (another writer
    /// committed between two steps of a bulk write), so it is to be ingested again from what is stored.
    /// </summary>
    public void DropDecided()
    {
        WaitForWrite();
        decided = null;
        carry = null;
        stepCards.Clear();
    }

    /// <summary>Waits for the write under way, if any (the decided file stays unwritten).</summary>
    public void WaitForWrite()
    {
        if (writing is { } task)
        {
            writing = null;
            task.GetAwaiter().GetResult();
        }
    }

    /// <summary>Writes the decided file, if any, after the write under way.</summary>
    public void WriteDecided()
    {
        WaitForWrite();
        if (decided is { } batch)
        {
            decided = null;
            carry = null;
            writer.SaveBatch(batch);
        }
    }
}
