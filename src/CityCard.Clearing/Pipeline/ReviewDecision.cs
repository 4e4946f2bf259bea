namespace CityCard.Clearing.Pipeline;

/// <summary>What a reviewer decides about a suspect record.</summary>
public enum ReviewDecision : byte
{
    /// <summary>Genuine after all: post it (reason <c>accepted-on-review</c>).</summary>
    Accept = 1,

    /// <summary>Not to be paid: keep it rejected (reason <c>rejected-on-review</c>).</summary>
    Reject = 2,
}
