namespace CityCard.Cards.Apdu;

/// <summary>
/// The card or PSAM stopped answering: it left the reader's field or lost power. Whatever command was in flight may or
/// may not have taken effect; for a purse transaction GET TRANSACTION PROVE tells which.
/// </summary>
public class CardLostException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public CardLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CardLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CardLostException()
        : base("the card stopped answering")
    {
    }
}
