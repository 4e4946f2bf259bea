using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Verification;
using CityCard.Records;

namespace CityCard.Clearing.Pipeline;

/// <summary>
/// One record of a cleared batch with its outcome, its money split and its 80 raw bytes (kept for audit and for the
/// byte-for-byte duplicate comparison).
/// </summary>
public sealed record ClearedRecord
{
    /// <summary>Position in the batch, from 0.</summary>
    public required int Index { get; init; }

    /// <summary>The natural key (card, counter kind, counter).</summary>
    public required RecordKey Key { get; init; }

    /// <summary>Position in the card's order (date-time, kind, counter).</summary>
    public required OrderKey Order { get; init; }

    /// <summary>The record kind.</summary>
    public required RecordKind Kind { get; init; }

    /// <summary>Why it ended in its outcome.</summary>
    public required ReasonCode Reason { get; init; }

    /// <summary>The outcome (from the reason).</summary>
    public RecordOutcome Outcome => Reason.Outcome();

    /// <summary>Amount charged or loaded, fen.</summary>
    public long AmountFen { get; init; }

    /// <summary>Card balance before, fen.</summary>
    public long BalanceBeforeFen { get; init; }

    /// <summary>Card balance after, fen.</summary>
    public long BalanceAfterFen { get; init; }

    /// <summary>The party paid (purchases: the record's merchant) or collecting (loads: the uploading outlet's operator).</summary>
    public uint PartyId { get; init; }

    /// <summary>Full fare as used for settlement (at least the amount), fen; purchases only.</summary>
    public long FullFareFen { get; init; }

    /// <summary>Concession subsidy claimed from the subsidising body, fen.</summary>
    public long SubsidyFen { get; init; }

    /// <summary>Commission kept by the centre, fen.</summary>
    public long CommissionFen { get; init; }

    /// <summary>The contract rate the commission was computed at, basis points.</summary>
    public int CommissionBps { get; init; }

    /// <summary>The record's 80 bytes as uploaded.</summary>
    public required byte[] Raw { get; init; }

    /// <summary>
    /// A copy of <paramref name="records"/> in the order the stores insert them: by card key (the ASN as stored, a signed
    /// 64-bit number; counter kind; counter), then position. In that order each insert into the accepted-key index lands
    /// next to the previous one instead of in another card's stretch of it.
    /// </summary>
    public static ClearedRecord[] InKeyOrder(IReadOnlyList<ClearedRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var sorted = records.ToArray();
        Array.Sort(sorted, static (a, b) =>
        {
            var order = unchecked((long)a.Key.Asn.Value).CompareTo(unchecked((long)b.Key.Asn.Value));
            if (order == 0)
            {
                order = ((int)a.Key.Kind).CompareTo((int)b.Key.Kind);
            }

            if (order == 0)
            {
                order = a.Key.Counter.CompareTo(b.Key.Counter);
            }

            return order != 0 ? order : a.Index.CompareTo(b.Index);
        });
        return sorted;
    }
}
