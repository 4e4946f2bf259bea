using CityCard.Cards.Apdu;
using CityCard.Cards.Application;

namespace CityCard.Cards.Transactions;

/// <summary>Shared steps of the drivers: sending to a card that may leave the field, and identifying a city card.</summary>
public static class CardSession
{
    /// <summary>Sends a command; false when the card was lost (removed or unpowered) instead of answering.</summary>
    public static bool TrySend(IApduChannel card, ReadOnlySpan<byte> command, out ResponseApdu response)
    {
        try
        {
            response = ResponseApdu.Exchange(card, command);
            return true;
        }
        catch (CardLostException)
        {
            // Losing the card is an expected outcome of a contactless exchange; the caller reports it as such.
            response = default;
            return false;
        }
    }

    /// <summary>SELECT the application and READ BINARY EF 0015.</summary>
    public static IdentifyStatus Identify(IApduChannel card, out CardPublicInfo? info, out ushort statusWord)
    {
        info = null;
        statusWord = 0;
        if (!TrySend(card, CardCommands.SelectApplication(), out var selected))
        {
            return IdentifyStatus.Lost;
        }

        statusWord = selected.StatusWord;
        if (!selected.IsSuccess)
        {
            return IdentifyStatus.NotCityCard;
        }

        if (!TrySend(card, CardCommands.ReadBinary(CityCardApplication.PublicInfoSfi, 0, CardPublicInfo.Length), out var read))
        {
            return IdentifyStatus.Lost;
        }

        statusWord = read.StatusWord;
        return read.IsSuccess && CardPublicInfo.TryParse(read.Data, out info) ? IdentifyStatus.Identified : IdentifyStatus.NotCityCard;
    }
}
