namespace CityCard.Clearing.Outcomes;

/// <summary>
/// Why a record ended in its outcome. Closed: the hundreds digit is the outcome (1 accepted, 2 duplicate, 3 rejected,
/// 4 suspect), see <see cref="ReasonCodes.Outcome"/>. The numbers are stored and printed; never renumber one.
/// docs/clearing.md lists them with their meaning.
/// </summary>
public enum ReasonCode : short
{
    /// <summary>Accepted: the next record of its counter sequence, chained to the card's balance.</summary>
    Cleared = 100,

    /// <summary>Accepted: its counter is beyond the next expected one; the skipped counters are held open as gaps.</summary>
    ClearedOpensGap = 101,

    /// <summary>Accepted: a late record whose counter fills a gap held open.</summary>
    ClearedFillsGap = 102,

    /// <summary>Accepted: a door or attendance event (no money, no TAC).</summary>
    ClearedAccessEvent = 103,

    /// <summary>Accepted after review of a suspect record.</summary>
    AcceptedOnReview = 104,

    /// <summary>Duplicate: byte-identical to a record already cleared or held (same card, counter kind and counter).</summary>
    DuplicateRecord = 200,

    /// <summary>Rejected: the TAC does not verify under the card's TAC key (forged or altered record).</summary>
    BadTac = 300,

    /// <summary>Rejected: no issuer key set for the record's algorithm and key version.</summary>
    UnknownKeyVersion = 301,

    /// <summary>Rejected: the card is not registered.</summary>
    UnknownCard = 302,

    /// <summary>Rejected: the card was cancelled.</summary>
    CardCancelled = 303,

    /// <summary>Rejected: the record's city code differs from the registered card's.</summary>
    CardMismatch = 304,

    /// <summary>Rejected: the record's PSAM terminal number is not the uploading device's (or its company's meters').</summary>
    UnknownTerminal = 305,

    /// <summary>Rejected: the merchant or operator to be paid is not registered.</summary>
    UnknownMerchant = 306,

    /// <summary>Rejected on review of a suspect record.</summary>
    RejectedOnReview = 307,

    /// <summary>Suspect: same card and counter as an accepted record, different content (cloned card).</summary>
    ClonedCard = 400,

    /// <summary>Suspect: the counter is below the card's counter at registration.</summary>
    CounterBeforeRegistration = 401,

    /// <summary>Suspect: the counter jumps further ahead than any plausible run of missing records.</summary>
    CounterJump = 402,

    /// <summary>Suspect: the balance before does not follow the previous record's balance after (or the next record's balance before does not follow this one).</summary>
    BalanceChainBroken = 403,

    /// <summary>Suspect: a blacklisted card was used on a terminal that already had that blacklist version.</summary>
    UsedAfterBlacklisting = 404,

    /// <summary>Suspect: the record is dated after the batch was closed (beyond the allowed clock skew).</summary>
    FutureDate = 405,

    /// <summary>Suspect: the record is dated long before the batch was closed.</summary>
    StaleDate = 406,
}
