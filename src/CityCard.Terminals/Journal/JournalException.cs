namespace CityCard.Terminals.Journal;

/// <summary>
/// The journal cannot be trusted or written: corruption before the tail, or a write that failed (full disk, unwritable
/// file). The terminal stops selling rather than losing a record.
/// </summary>
public sealed class JournalException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JournalException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public JournalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public JournalException()
    {
    }
}
