using CityCard.Security.Ep;

namespace CityCard.Records;

/// <summary>
/// One terminal record: everything the centre needs to recompute the TAC and to chain a card's records
/// (STANDARDS.md §5.1), plus the terminal's business context (merchant, line, stops, full fare). Amounts are fen.
/// The 80-byte layout is in docs/batch-format.md.
/// </summary>
public sealed record TransactionRecord
{
    /// <summary>What the record reports.</summary>
    public required RecordKind Kind { get; init; }

    /// <summary>Record marks (flags byte).</summary>
    public RecordMarks Marks { get; init; }

    /// <summary>The card's city code (EF 0015).</summary>
    public required CityCode CityCode { get; init; }

    /// <summary>The card's application serial number.</summary>
    public required Asn Asn { get; init; }

    /// <summary>The card type byte from EF 0015 (docs/card.md).</summary>
    public byte CardType { get; init; }

    /// <summary>The card's transaction counter: offline counter for purchases, online counter for loads (value returned by INIT).</summary>
    public ushort Counter { get; init; }

    /// <summary>The card balance before the transaction, fen; negative when the overdraft is in use.</summary>
    public long BalanceBeforeFen { get; init; }

    /// <summary>The amount charged or loaded, fen (0..4,294,967,295).</summary>
    public long AmountFen { get; init; }

    /// <summary>The PSAM terminal number (purchase) or the outlet's terminal number (load).</summary>
    public required TerminalId Terminal { get; init; }

    /// <summary>Terminal transaction serial number from the PSAM (purchase); 0 for loads and access events.</summary>
    public uint Ttsn { get; init; }

    /// <summary>Transaction date-time (card/host time, China Standard Time).</summary>
    public required BcdDateTime DateTime { get; init; }

    /// <summary>Key version of the card keys.</summary>
    public byte KeyVersion { get; init; }

    /// <summary>Algorithm of the card keys.</summary>
    public EpAlgorithm Algorithm { get; init; }

    /// <summary>The card's TAC (0 for access events).</summary>
    public uint Tac { get; init; }

    /// <summary>Why the amount differs from <see cref="FullFareFen"/>.</summary>
    public DiscountKind Discount { get; init; }

    /// <summary>The full fare or price before discount and concession, fen.</summary>
    public long FullFareFen { get; init; }

    /// <summary>Merchant or operator that is paid (or the employer/campus for access events).</summary>
    public uint MerchantId { get; init; }

    /// <summary>Bus line / route (transit), else 0.</summary>
    public ushort Line { get; init; }

    /// <summary>Stop (boarding or entry stop), else 0.</summary>
    public ushort Stop { get; init; }

    /// <summary>Exit stop (distance fares); door direction for access events (1 in, 2 out).</summary>
    public ushort ExitStop { get; init; }

    /// <summary>The device's own journal sequence number of this record.</summary>
    public uint DeviceSequence { get; init; }

    /// <summary>The blacklist version the terminal had when it made the transaction.</summary>
    public uint BlacklistVersion { get; init; }

    /// <summary>Terminal-specific value: taxi distance in metres; kiosk bill number; door id.</summary>
    public uint Extra1 { get; init; }

    /// <summary>Terminal-specific value: taxi waiting seconds; kiosk utility kind; employer's person number.</summary>
    public uint Extra2 { get; init; }

    /// <summary>The transaction-type byte the card used (06, 09, 02; 00 for access events).</summary>
    public byte TransactionType => ExpectedTransactionType(Kind);

    /// <summary>True for purchases and CAPP purchases.</summary>
    public bool IsPurchase => Kind is RecordKind.Purchase or RecordKind.CappPurchase;

    /// <summary>The balance after the transaction, fen.</summary>
    public long BalanceAfterFen => Kind switch
    {
        RecordKind.Load => BalanceBeforeFen + AmountFen,
        RecordKind.Purchase or RecordKind.CappPurchase => BalanceBeforeFen - AmountFen,
        _ => BalanceBeforeFen,
    };

    /// <summary>The transaction-type byte a record kind carries.</summary>
    public static byte ExpectedTransactionType(RecordKind kind) => kind switch
    {
        RecordKind.Purchase => Security.Ep.TransactionType.Purchase,
        RecordKind.CappPurchase => Security.Ep.TransactionType.CappPurchase,
        RecordKind.Load => Security.Ep.TransactionType.Load,
        RecordKind.Access => 0x00,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown record kind"),
    };

    /// <summary>Recomputes the TAC of a purchase or load record with the card's prepared TAC key.</summary>
    public uint ComputeTac(MacKey tacKey) => Kind switch
    {
        RecordKind.Purchase or RecordKind.CappPurchase =>
            EpMacs.PurchaseTac(tacKey, checked((uint)AmountFen), TransactionType, Terminal, Ttsn, DateTime),
        RecordKind.Load =>
            EpMacs.LoadTac(tacKey, checked((uint)BalanceAfterFen), Counter, checked((uint)AmountFen), TransactionType, Terminal, DateTime),
        _ => throw new InvalidOperationException("access events carry no TAC"),
    };
}
