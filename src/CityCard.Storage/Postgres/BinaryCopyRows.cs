using System.Buffers.Binary;
using Npgsql;

namespace CityCard.Storage.Postgres;

/// <summary>
/// Rows of PostgreSQL's binary COPY format written straight into a buffer and sent through a raw COPY stream: the
/// signature and header, per row a field count and each field as a length and big-endian bytes, and the -1 trailer.
/// For the records table this costs a fraction of the typed importer, which resolves and writes every field through
/// its converter machinery. Nothing reaches the table unless <see cref="Complete"/> is called: disposing without it
/// cancels the COPY, so the server discards every row sent.
/// </summary>
internal sealed class BinaryCopyRows : IDisposable
{
    private const int BufferSize = 64 * 1024;

    // "PGCOPY\n\377\r\n\0", then flags (no OIDs) and the length of the header extension area, both 0.
    private static ReadOnlySpan<byte> Header => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly NpgsqlRawCopyStream stream;
    private readonly byte[] buffer = new byte[BufferSize];
    private int used;
    private bool completed;

    public BinaryCopyRows(NpgsqlConnection connection, string copyCommand)
    {
        stream = connection.BeginRawBinaryCopy(copyCommand);
        Header.CopyTo(buffer);
        used = Header.Length;
    }

    /// <summary>Starts a row of <paramref name="fields"/> fields; <paramref name="maxBytes"/> bounds what the row's fields will take.</summary>
    public void StartRow(short fields, int maxBytes)
    {
        if (used + 2 + maxBytes > buffer.Length)
        {
            Flush();
            if (2 + maxBytes > buffer.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "a COPY row larger than the buffer");
            }
        }

        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), fields);
        used += 2;
    }

    /// <summary>A BIGINT field (12 bytes).</summary>
    public void Write(long value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(used), sizeof(long));
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(used + 4), value);
        used += 12;
    }

    /// <summary>A NULL field (4 bytes).</summary>
    public void WriteNull()
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(used), -1);
        used += 4;
    }

    /// <summary>A BYTEA field (4 bytes and the value).</summary>
    public void Write(ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(used), value.Length);
        value.CopyTo(buffer.AsSpan(used + 4));
        used += 4 + value.Length;
    }

    /// <summary>Sends the trailer and ends the COPY; the server answers with an error if any row was refused.</summary>
    public void Complete()
    {
        if (used + 2 > buffer.Length)
        {
            Flush();
        }

        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), -1);
        used += 2;
        Flush();
        completed = true;
        stream.Dispose();
    }

    public void Dispose()
    {
        if (!completed)
        {
            completed = true;
            try
            {
                stream.Cancel();
                stream.Dispose();
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
            {
                // Disposed on the way out of a failure (a write that broke the connection): that failure is the one to
                // report. The server rolls the transaction back when the connection closes.
            }
        }
    }

    private void Flush()
    {
        stream.Write(buffer, 0, used);
        used = 0;
    }
}
