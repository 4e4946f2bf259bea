namespace CityCard.Clearing.Outcomes;

/// <summary>The one state every uploaded record ends in (DESIGN.md §5).</summary>
public enum RecordOutcome : byte
{
    /// <summary>Verified and posted to the ledger.</summary>
    Accepted = 1,

    /// <summary>The same record was seen before; nothing is posted twice.</summary>
    Duplicate = 2,

    /// <summary>Bad TAC, unknown card, terminal or merchant: never posted, kept for audit.</summary>
    Rejected = 3,

    /// <summary>Valid TAC but something is wrong (cloned card, broken chain, use after blacklisting, odd date): held for review.</summary>
    Suspect = 4,
}
