namespace CityCard.Security.Keys;

/// <summary>A key-set file that cannot be read: malformed, altered, or opened with the wrong key-encryption key.</summary>
public sealed class KeySetFileException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public KeySetFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public KeySetFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public KeySetFileException()
    {
    }
}
