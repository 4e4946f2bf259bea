namespace CityCard.Cards.Transactions;

/// <summary>The load authority's answer to a <see cref="LoadRequest"/>.</summary>
public enum LoadDecision
{
    /// <summary>Approved: the authorization carries the host date-time and MAC2.</summary>
    Approved,

    /// <summary>MAC1 does not verify: not a card of this issuer's keys, or altered data.</summary>
    Mac1Invalid,

    /// <summary>The authority holds no load key of the card's key version and algorithm.</summary>
    UnknownKey,

    /// <summary>Refused by policy (account, limits, blacklist).</summary>
    Declined,
}
