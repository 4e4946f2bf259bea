namespace CityCard.Cards.Images;

/// <summary>
/// A card or PSAM image that cannot be loaded: unreadable, truncated, not JSON, of another format or version, failing its
/// checksum, or with a field out of range. The message names the file and the problem; nothing is half-loaded.
/// </summary>
public sealed class ImageFileException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public ImageFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ImageFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ImageFileException()
        : base("the image file cannot be loaded")
    {
    }
}
