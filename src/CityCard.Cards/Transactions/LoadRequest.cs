using CityCard.Cards.Application;
using CityCard.Security.Ep;

namespace CityCard.Cards.Transactions;

/// <summary>
/// What the terminal forwards to the load authority after INITIALIZE FOR LOAD: the card's identity and INIT response,
/// the amount and the terminal (STANDARDS.md §2.7). The authority verifies <see cref="Mac1"/> with the issuer's load key.
/// </summary>
public sealed record LoadRequest
{
    /// <summary>The card number.</summary>
    public required Asn Asn { get; init; }

    /// <summary>The card's city code (the first diversification level).</summary>
    public required CityCode City { get; init; }

    /// <summary>The card's issuer code (EF 0015).</summary>
    public required ushort IssuerCode { get; init; }

    /// <summary>The card type (EF 0015).</summary>
    public required CardType CardType { get; init; }

    /// <summary>Balance before the load, in fen (negative within the overdraft).</summary>
    public required int BalanceBefore { get; init; }

    /// <summary>The online counter INIT returned (before the increment; the load TAC uses it).</summary>
    public required ushort OnlineCounter { get; init; }

    /// <summary>The card's key version.</summary>
    public required byte KeyVersion { get; init; }

    /// <summary>The card's algorithm.</summary>
    public required EpAlgorithm Algorithm { get; init; }

    /// <summary>The card's random number of this session.</summary>
    public required uint CardRandom { get; init; }

    /// <summary>The card's MAC1 over balance, amount, type and terminal.</summary>
    public required uint Mac1 { get; init; }

    /// <summary>Amount to load, in fen.</summary>
    public required uint Amount { get; init; }

    /// <summary>The loading terminal.</summary>
    public required TerminalId Terminal { get; init; }

    /// <summary>Balance after the load.</summary>
    public long BalanceAfter => (long)BalanceBefore + Amount;

    /// <summary>The online counter the card holds after the load (the GET TRANSACTION PROVE argument).</summary>
    public int CounterAfter => OnlineCounter + 1;
}
