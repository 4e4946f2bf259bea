namespace CityCard.Records.Batches;

/// <summary>A malformed batch file: the message names the byte offset and the field.</summary>
public sealed class BatchFormatException : Exception
{
    /// <summary>Creates the exception for a field at a byte offset.</summary>
    public BatchFormatException(long offset, string field, string problem)
        : base($"batch file: byte {offset} ({field}): {problem}")
    {
        Offset = offset;
        Field = field;
    }

    /// <summary>Creates the exception.</summary>
    public BatchFormatException()
    {
        Field = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public BatchFormatException(string message)
        : base(message)
    {
        Field = string.Empty;
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public BatchFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    /// <summary>Byte offset of the offending field in the file.</summary>
    public long Offset { get; }

    /// <summary>Name of the offending field.</summary>
    public string Field { get; }
}
