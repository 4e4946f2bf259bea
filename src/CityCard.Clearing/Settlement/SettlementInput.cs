namespace CityCard.Clearing.Settlement;

/// <summary>What a settlement run covers: the cleared, unsettled batches of the day and before, aggregated by the store.</summary>
public sealed record SettlementInput(IReadOnlyList<long> BatchIds, IReadOnlyList<MerchantStatement> Statements, IReadOnlyList<BatchCheck> Checks)
{
    /// <summary>Claiming load records whose amount is not the total of the pending credits they claimed, one sentence each.</summary>
    public IReadOnlyList<string> ClaimDifferences { get; init; } = [];
}
