namespace CityCard.Clearing.Storage;

/// <summary>
/// Exclusive work committed in steps on one connection (<see cref="IClearingStore.BeginBulkWrite"/>): bulk clearing
/// commits every few files and goes on deciding the next file across the commit. Each step is one transaction, all or
/// nothing. Disposing without <see cref="Commit"/> rolls back the step under way; earlier steps stay committed.
/// </summary>
public interface IBulkWrite : IDisposable
{
    /// <summary>The writer of the step under way (the same object from step to step).</summary>
    IClearingWriter Writer { get; }

    /// <summary>
    /// Commits the step and begins the next. True when no other writer committed between the two, so that what this
    /// writer read before the commit is still what the database holds; false when one did or may have (the caller then
    /// reads again whatever it carried over).
    /// </summary>
    bool CommitAndContinue();

    /// <summary>Commits the last step; the bulk write is over.</summary>
    void Commit();
}
