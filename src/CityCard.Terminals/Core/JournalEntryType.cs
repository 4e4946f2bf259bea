namespace CityCard.Terminals.Core;

/// <summary>Type byte of a terminal journal entry.</summary>
internal static class JournalEntryType
{
    /// <summary>A completed transaction: the 80-byte record.</summary>
    public const byte Record = 1;

    /// <summary>A purchase or load whose card answer was lost: kept until the card comes back.</summary>
    public const byte Pending = 2;

    /// <summary>A pending transaction settled (recovered or proven not to have happened): 8-byte pending sequence.</summary>
    public const byte PendingResolved = 3;

    /// <summary>A batch is being closed: batch number(4) ‖ last record sequence(8) ‖ created Unix seconds(8).</summary>
    public const byte BatchClosing = 4;

    /// <summary>The batch file is in the outbox: batch number(4).</summary>
    public const byte BatchClosed = 5;

    /// <summary>Outlet cash drawer movement (JSON).</summary>
    public const byte Cash = 6;

    /// <summary>A completed transaction that settles its journalled intent: pending sequence(8) ‖ the 80-byte record.</summary>
    public const byte RecordResolving = 7;
}
