using CityCard.Cards.Apdu;
using CityCard.Cards.Application;

namespace CityCard.Cards.Transactions;

/// <summary>
/// The generic reader flow of open-source transit-card readers: SELECT by AID → GET BALANCE (<c>805C000204</c>) →
/// READ BINARY SFI 0x15 → READ RECORD SFI 0x18 records 1..n until the card answers "record not found".
/// </summary>
public static class CardReader
{
    /// <summary>Reads the card, at most <paramref name="maxHistoryRecords"/> records of EF 0018.</summary>
    public static CardReading Read(IApduChannel card, int maxHistoryRecords = CityCardApplication.DefaultReadRecords)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHistoryRecords, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxHistoryRecords, 255);
        var history = new List<TransactionRecord>();
        if (!CardSession.TrySend(card, CardCommands.SelectApplication(), out var selected))
        {
            return new(ReadOutcome.CardRemoved, 0, null, null, history);
        }

        if (!selected.IsSuccess)
        {
            return new(ReadOutcome.NotCityCard, selected.StatusWord, null, null, history);
        }

        if (!CardSession.TrySend(card, CardCommands.GetBalance(), out var balanceResponse))
        {
            return new(ReadOutcome.CardRemoved, 0, null, null, history);
        }

        if (!balanceResponse.IsSuccess || balanceResponse.Data.Length != 4)
        {
            return new(ReadOutcome.Refused, balanceResponse.StatusWord, null, null, history);
        }

        var balance = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(balanceResponse.Data);
        if (!CardSession.TrySend(card, CardCommands.ReadBinary(CityCardApplication.PublicInfoSfi, 0, CardPublicInfo.Length), out var publicInfo))
        {
            return new(ReadOutcome.CardRemoved, 0, null, balance, history);
        }

        if (!publicInfo.IsSuccess || !CardPublicInfo.TryParse(publicInfo.Data, out var info))
        {
            return new(ReadOutcome.NotCityCard, publicInfo.StatusWord, null, balance, history);
        }

        for (var n = 1; n <= maxHistoryRecords; n++)
        {
            if (!CardSession.TrySend(card, CardCommands.ReadRecord(CityCardApplication.HistorySfi, (byte)n, TransactionRecord.Length), out var record))
            {
                return new(ReadOutcome.CardRemoved, 0, info, balance, history);
            }

            if (record.StatusWord == StatusWords.RecordNotFound)
            {
                break;
            }

            if (!record.IsSuccess || !TransactionRecord.TryParse(record.Data, out var decoded))
            {
                return new(ReadOutcome.Refused, record.StatusWord, info, balance, history);
            }

            history.Add(decoded!);
        }

        return new(ReadOutcome.Read, StatusWords.Success, info, balance, history);
    }
}
