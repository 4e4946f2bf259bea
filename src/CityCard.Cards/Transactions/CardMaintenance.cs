using CityCard.Cards.Apdu;
using CityCard.Cards.Application;
using CityCard.Cards.Cos;
using CityCard.Security.Ep;

namespace CityCard.Cards.Transactions;

/// <summary>
/// Terminal-side maintenance of a card's binary files: the concession file EF 0019 read by paying terminals, and
/// line-protected UPDATE BINARY (GET CHALLENGE, then <c>04 D6</c> with the line MAC under the card's maintenance key) used
/// by the outlet to rewrite the card type (EF 0015) and the concession date (EF 0019).
/// </summary>
public static class CardMaintenance
{
    /// <summary>
    /// Reads EF 0019 of the selected application. <see cref="ConcessionRead.Absent"/> when the card has no such file
    /// (personalised before it existed: its concession has no verification date); <see cref="ConcessionRead.Lost"/> when
    /// the card left the field.
    /// </summary>
    public static (ConcessionRead Outcome, ConcessionData? Data) ReadConcession(IApduChannel card)
    {
        if (!CardSession.TrySend(card, CardCommands.ReadBinary(CityCardApplication.ConcessionSfi, 0, ConcessionData.Length), out var response))
        {
            return (ConcessionRead.Lost, null);
        }

        if (response.StatusWord == StatusWords.FileNotFound)
        {
            return (ConcessionRead.Absent, null);
        }

        return response.IsSuccess && ConcessionData.TryParse(response.Data, out var data)
            ? (ConcessionRead.Read, data)
            : (ConcessionRead.Unreadable, null);
    }

    /// <summary>
    /// Writes <paramref name="data"/> at <paramref name="offset"/> of the binary file <paramref name="sfi"/> of the selected
    /// application under line protection; returns the card's status word (9000 when written; 0 when the card was lost).
    /// </summary>
    public static ushort UpdateBinary(IApduChannel card, EpKey maintenanceKey, byte sfi, byte offset, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(maintenanceKey);
        if (!CardSession.TrySend(card, CardCommands.GetChallenge(), out var challenge))
        {
            return 0;
        }

        if (!challenge.IsSuccess || challenge.Data.Length != 4)
        {
            return challenge.StatusWord;
        }

        var mac = LineMac.Compute(maintenanceKey, challenge.Data, CardCommands.UpdateBinaryMacData(sfi, offset, data));
        return CardSession.TrySend(card, CardCommands.UpdateBinary(sfi, offset, data, mac), out var written) ? written.StatusWord : (ushort)0;
    }
}
