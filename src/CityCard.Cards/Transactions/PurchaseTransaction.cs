using CityCard.Cards.Application;
using CityCard.Security.Ep;

namespace CityCard.Cards.Transactions;

/// <summary>
/// A purchase as the terminal knows it just before DEBIT: everything a batch record carries except the card's TAC and
/// MAC2 (STANDARDS.md §5.1). Kept when the card is lost during DEBIT, so GET TRANSACTION PROVE can complete it.
/// </summary>
public sealed record PurchaseTransaction
{
    /// <summary>The card number.</summary>
    public required Asn Asn { get; init; }

    /// <summary>The card's city code.</summary>
    public required CityCode City { get; init; }

    /// <summary>The card's issuer code (EF 0015).</summary>
    public required ushort IssuerCode { get; init; }

    /// <summary>The card type (EF 0015).</summary>
    public required CardType CardType { get; init; }

    /// <summary>The offline counter INIT returned (the one the session key and the EF 0018 record use).</summary>
    public required ushort OfflineCounter { get; init; }

    /// <summary>Balance before the purchase, in fen (negative within the overdraft).</summary>
    public required int BalanceBefore { get; init; }

    /// <summary>Amount in fen.</summary>
    public required uint Amount { get; init; }

    /// <summary>Transaction type: 06 purchase or 09 composite purchase.</summary>
    public required byte TransactionType { get; init; }

    /// <summary>The PSAM's terminal number.</summary>
    public required TerminalId Terminal { get; init; }

    /// <summary>The terminal transaction serial the PSAM assigned.</summary>
    public required uint Ttsn { get; init; }

    /// <summary>Terminal date and time (China Standard Time).</summary>
    public required BcdDateTime DateTime { get; init; }

    /// <summary>The card's key version.</summary>
    public required byte KeyVersion { get; init; }

    /// <summary>The card's algorithm.</summary>
    public required EpAlgorithm Algorithm { get; init; }

    /// <summary>The card's random number of this session.</summary>
    public required uint CardRandom { get; init; }

    /// <summary>For a composite purchase, the CAPP record written with the debit; otherwise null.</summary>
    public CappRecordUpdate? Capp { get; init; }

    /// <summary>Balance after the purchase.</summary>
    public long BalanceAfter => (long)BalanceBefore - Amount;

    /// <summary>The offline counter the card holds after the purchase (the GET TRANSACTION PROVE argument).</summary>
    public int CounterAfter => OfflineCounter + 1;
}
