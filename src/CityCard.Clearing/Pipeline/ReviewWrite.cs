using CityCard.Clearing.Ledger;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Verification;

namespace CityCard.Clearing.Pipeline;

/// <summary>Everything one review changes, written by the store in one transaction.</summary>
public sealed record ReviewWrite
{
    /// <summary>The batch of the record.</summary>
    public required long BatchId { get; init; }

    /// <summary>The record with its new reason (and money split when accepted).</summary>
    public required ClearedRecord Record { get; init; }

    /// <summary>The decision.</summary>
    public required ReviewDecision Decision { get; init; }

    /// <summary>The reviewer's reason, as given.</summary>
    public required string Note { get; init; }

    /// <summary>When it was decided.</summary>
    public required DateTimeOffset ReviewedUtc { get; init; }

    /// <summary>The card's new state (accepted records only).</summary>
    public CardAccount? Card { get; init; }

    /// <summary>Counters newly held open as gaps.</summary>
    public IReadOnlyList<RecordKey> GapsOpened { get; init; } = [];

    /// <summary>Gaps the record fills.</summary>
    public IReadOnlyList<RecordKey> GapsClosed { get; init; } = [];

    /// <summary>The posting of an accepted record with money.</summary>
    public LedgerTransaction? Ledger { get; init; }
}
