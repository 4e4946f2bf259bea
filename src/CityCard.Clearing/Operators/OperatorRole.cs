namespace CityCard.Clearing.Operators;

/// <summary>What a back-office operator may do; each role includes the ones below it.</summary>
public enum OperatorRole
{
    /// <summary>Reads: card lookups, held records, settlements, the audit, the operator log.</summary>
    Viewer = 1,

    /// <summary>Also counter work: card sale and registration, loss, found, replacement, refund, renewal, product change.</summary>
    Clerk = 2,

    /// <summary>Also money decisions: suspect reviews, settlement, adjustments, approvals, parameter content, credit healing.</summary>
    Supervisor = 3,
}
