namespace CityCard.Terminals.Parameters;

/// <summary>A parameter file that is malformed, wrongly signed or not newer than the installed one.</summary>
public class ParameterFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ParameterFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ParameterFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ParameterFileException()
    {
    }
}
