namespace CityCard.Terminals.Parameters;

/// <summary>
/// A genuine delta parameter file that does not apply to the installed parameters (another base version, or a base with
/// other content): the terminal should ask for the full file.
/// </summary>
public sealed class ParameterBaseMismatchException : ParameterFileException
{
    /// <summary>Creates the exception.</summary>
    public ParameterBaseMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ParameterBaseMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ParameterBaseMismatchException()
    {
    }
}
