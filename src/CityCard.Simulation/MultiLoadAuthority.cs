using CityCard.Cards.Transactions;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Simulation;

/// <summary>The centre's load host for cards of several key sets: each request goes to the key set of its algorithm.</summary>
internal sealed class MultiLoadAuthority(IEnumerable<IssuerKeySet> keySets, TimeProvider clock) : ILoadAuthority
{
    private readonly Dictionary<EpAlgorithm, IssuerLoadAuthority> byAlgorithm = keySets.ToDictionary(k => k.Algorithm, k => new IssuerLoadAuthority(k, clock));

    public LoadAuthorization Authorize(LoadRequest request) =>
        byAlgorithm.TryGetValue(request.Algorithm, out var authority) ? authority.Authorize(request) : LoadAuthorization.Refuse(LoadDecision.UnknownKey);

    public bool VerifyTac(LoadRecord record) =>
        byAlgorithm.TryGetValue(record.Request.Algorithm, out var authority) && authority.VerifyTac(record);
}
