using CityCard.Security.Ep;

namespace CityCard.Cards.Transactions;

/// <summary>The load authority's answer: the decision and, when approved, the host date-time and MAC2 for CREDIT FOR LOAD.</summary>
public sealed record LoadAuthorization(LoadDecision Decision, BcdDateTime HostDateTime, uint Mac2)
{
    /// <summary>An approval.</summary>
    public static LoadAuthorization Approve(BcdDateTime hostDateTime, uint mac2) => new(LoadDecision.Approved, hostDateTime, mac2);

    /// <summary>A refusal.</summary>
    public static LoadAuthorization Refuse(LoadDecision decision) =>
        decision == LoadDecision.Approved
            ? throw new ArgumentException("decision: a refusal cannot be Approved", nameof(decision))
            : new(decision, default, 0);
}
