namespace CityCard.Terminals.Core;

/// <summary>A terminal that cannot work: missing or malformed data folder, configuration or parameters.</summary>
public sealed class TerminalException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TerminalException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public TerminalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TerminalException()
    {
    }
}
