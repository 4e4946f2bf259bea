using CityCard.Clearing.Audit;

namespace CityCard.Clearing.Settlement;

/// <summary>What a settlement run covers: the cleared, unsettled batches of the day and before, aggregated by the store.</summary>
public sealed record SettlementInput(IReadOnlyList<long> BatchIds, IReadOnlyList<MerchantStatement> Statements, IReadOnlyList<BatchCheck> Checks)
{
    /// <summary>Claiming load records whose amount is not the total of the pending credits they claimed, one sentence each.</summary>
    public IReadOnlyList<string> ClaimDifferences { get; init; } = [];

    /// <summary>
    /// The invariants checked over what changed since the previous settlement's <see cref="LedgerCheckpoint"/> (the
    /// settlement audit); the whole-database audit is <c>IClearingReader.Audit</c>.
    /// </summary>
    public AuditReport Audit { get; init; } = new([]);

    /// <summary>Where this settlement's audit stopped; stored with the settlement for the next one.</summary>
    public LedgerCheckpoint Checkpoint { get; init; } = LedgerCheckpoint.Start;
}
