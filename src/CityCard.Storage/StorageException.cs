namespace CityCard.Storage;

/// <summary>The database cannot be used: unreachable, not migrated, or newer than this program. The message says which.</summary>
public sealed class StorageException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public StorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StorageException()
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
