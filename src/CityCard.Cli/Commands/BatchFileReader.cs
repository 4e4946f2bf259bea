using CityCard.Records.Batches;

namespace CityCard.Cli.Commands;

/// <summary>
/// Reads a batch file for <c>clear</c> and <c>batch dump|verify</c>: a regular file or a pipe, never more than the largest
/// batch file can be, so a device (<c>/dev/zero</c>) or an endless pipe is refused instead of filling the memory.
/// </summary>
internal static class BatchFileReader
{
    /// <summary>The largest batch file.</summary>
    public const int MaxBytes = BatchCodec.MaxFileLength;

    private const int ChunkBytes = 1 << 20;

    /// <summary>
    /// The file's bytes. A path that is not there or is a folder is a wrong argument (<see cref="UsageException"/>, exit 2,
    /// as <c>clear</c> answers); a file that cannot be read or is too large is <see cref="CliFailure"/> (exit 1).
    /// </summary>
    public static byte[] Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"{path}: is a folder, not a batch file");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            if (stream.CanSeek && stream.Length > MaxBytes)
            {
                throw TooLarge(path, $" ({stream.Length} bytes)");
            }

            // Pipes and devices have no length: read them in chunks, stopping one byte past the limit.
            // (A seekable file gets one byte more than its length, so its end is seen without growing the buffer; some
            // devices and /proc files say 0 and hold more.)
            var buffer = new byte[stream.CanSeek ? (int)stream.Length + 1 : ChunkBytes];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > MaxBytes)
                    {
                        throw TooLarge(path, string.Empty);
                    }

                    Array.Resize(ref buffer, (int)Math.Min(Math.Max(buffer.Length * 2L, ChunkBytes), MaxBytes + 1L));
                }

                var read = stream.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            Array.Resize(ref buffer, length);
            return buffer;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"{path}: no such file", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure($"{path}: cannot be read ({e.Message})", e);
        }
    }

    private static CliFailure TooLarge(string path, string size) =>
        new($"{path}{size}: larger than the largest batch file ({MaxBytes} bytes); is it a batch file?");
}
