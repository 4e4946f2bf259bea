using CityCard.Security.Ep;

namespace CityCard.Clearing.Loads;

/// <summary>
/// What a top-up outlet sends to authorise a load: the card's answer to INITIALIZE FOR LOAD (balance, online counter,
/// key version, algorithm, random, MAC1) and the outlet's terminal number and amount.
/// </summary>
public sealed record LoadRequest
{
    /// <summary>The card's city code.</summary>
    public required CityCode City { get; init; }

    /// <summary>The card's ASN.</summary>
    public required Asn Asn { get; init; }

    /// <summary>Balance before the load, fen.</summary>
    public required long BalanceBeforeFen { get; init; }

    /// <summary>Amount to load, fen.</summary>
    public required long AmountFen { get; init; }

    /// <summary>The online counter INITIALIZE FOR LOAD returned.</summary>
    public required ushort OnlineCounter { get; init; }

    /// <summary>The card's key version.</summary>
    public required byte KeyVersion { get; init; }

    /// <summary>The card's algorithm.</summary>
    public required EpAlgorithm Algorithm { get; init; }

    /// <summary>The card's pseudo-random number.</summary>
    public required uint Random { get; init; }

    /// <summary>The outlet's terminal number used in MAC1.</summary>
    public required TerminalId Terminal { get; init; }

    /// <summary>The card's MAC1.</summary>
    public required uint Mac1 { get; init; }

    /// <summary>True when the load writes the card's pending credits (online top-ups, recovered value) instead of cash: the amount must be their sum.</summary>
    public bool ClaimCredits { get; init; }
}
