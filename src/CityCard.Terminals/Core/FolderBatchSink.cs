namespace CityCard.Terminals.Core;

/// <summary>
/// Delivers batches into a folder (a drop folder that <c>citycard clear</c> ingests, or a company collector's inbox).
/// A file counts as acknowledged once it is completely written and renamed into place.
/// </summary>
public sealed class FolderBatchSink(string folder) : IBatchSink
{
    /// <inheritdoc />
    public bool Deliver(string fileName, byte[] content)
    {
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, fileName);
        if (File.Exists(target))
        {
            // Idempotent: the same batch delivered twice is the same file.
            return File.ReadAllBytes(target).AsSpan().SequenceEqual(content);
        }

        var temporary = target + ".part";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, target);
        return true;
    }
}
