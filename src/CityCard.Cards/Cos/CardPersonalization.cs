using CityCard.Cards.Application;

namespace CityCard.Cards.Cos;

/// <summary>
/// Everything written into a card at personalisation besides its keys: EF 0015 and EF 0016, the PIN, the overdraft
/// limit and the sizes of the record files. The initial purse values exist to replay reference traces and to migrate
/// cards from another system; an issuer leaves them at 0 and puts value on a card with a real load transaction.
/// </summary>
public sealed record CardPersonalization
{
    /// <summary>The PIN a card gets when none is given.</summary>
    public const string DefaultPin = "123456";

    /// <summary>Smallest EF 0018 size (STANDARDS.md §0: at least 10 records).</summary>
    public const int MinHistoryRecords = 10;

    /// <summary>Largest EF 0018 size.</summary>
    public const int MaxHistoryRecords = 255;

    /// <summary>Largest number of CAPP records in EF 0017.</summary>
    public const int MaxCappRecords = 16;

    /// <summary>EF 0015.</summary>
    public required CardPublicInfo PublicInfo { get; init; }

    /// <summary>EF 0016.</summary>
    public Cardholder Cardholder { get; init; } = Cardholder.Anonymous;

    /// <summary>EF 0019, the concession's verification date (none by default); null: the card has no EF 0019.</summary>
    public ConcessionData? Concession { get; init; } = ConcessionData.None;

    /// <summary>The PIN, 4 to 12 decimal digits (sent in VERIFY as BCD, an odd count padded with F).</summary>
    public string Pin { get; init; } = DefaultPin;

    /// <summary>Wrong PIN presentations allowed before the PIN blocks (1..15).</summary>
    public int PinTryLimit { get; init; } = 3;

    /// <summary>Overdraft limit in fen (0..16 777 215, a 3-byte field): the balance may go down to minus this.</summary>
    public int OverdraftLimit { get; init; }

    /// <summary>Number of records in the cyclic EF 0018 (10..255).</summary>
    public int HistoryRecordCount { get; init; } = MinHistoryRecords;

    /// <summary>Number of 48-byte records in the CAPP file EF 0017 (1..16).</summary>
    public int CappRecordCount { get; init; } = 4;

    /// <summary>Starting balance in fen (trace replay and migration only).</summary>
    public int InitialBalance { get; init; }

    /// <summary>Starting online (load) counter (trace replay and migration only).</summary>
    public ushort InitialOnlineCounter { get; init; }

    /// <summary>Starting offline (purchase) counter (trace replay and migration only).</summary>
    public ushort InitialOfflineCounter { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value that is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(PublicInfo);
        ArgumentNullException.ThrowIfNull(Cardholder);
        if (PinCodec.Encode(Pin) is null)
        {
            throw new ArgumentException("pin: expected 4 to 12 decimal digits", nameof(Pin));
        }

        Require(PinTryLimit is >= 1 and <= 15, nameof(PinTryLimit), "must be 1..15");
        Require(OverdraftLimit is >= 0 and <= CardMemory.MaxOverdraftLimit, nameof(OverdraftLimit), "must be 0..16777215 fen");
        Require(HistoryRecordCount is >= MinHistoryRecords and <= MaxHistoryRecords, nameof(HistoryRecordCount), "must be 10..255");
        Require(CappRecordCount is >= 1 and <= MaxCappRecords, nameof(CappRecordCount), "must be 1..16");
        Require(InitialBalance >= -OverdraftLimit, nameof(InitialBalance), "cannot be below minus the overdraft limit");
        Require(PublicInfo.ValidFrom <= PublicInfo.ValidUntil, nameof(PublicInfo), "valid-from is after valid-until");
    }

    private static void Require(bool condition, string name, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name}: {problem}", name);
        }
    }
}
