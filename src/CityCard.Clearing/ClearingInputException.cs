namespace CityCard.Clearing;

/// <summary>
/// A request the centre cannot carry out because of what was asked (an id already taken, an unknown merchant, a day
/// that cannot be settled yet); the message names the problem. Nothing was changed.
/// </summary>
public sealed class ClearingInputException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public ClearingInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ClearingInputException()
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ClearingInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
