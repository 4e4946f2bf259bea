using CityCard.Clearing.Lifecycle;
using CityCard.Clearing.Loads;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Storage;

/// <summary>Lifecycle queries: products and holders, pending credits, the operator log, idempotent requests, approvals.</summary>
public partial interface IClearingReader
{
    /// <summary>A card's lifecycle profile, or null (cards registered without a product).</summary>
    CardProfile? FindProfile(Asn asn);

    /// <summary>A card's pending credits, oldest first.</summary>
    IReadOnlyList<PendingCredit> PendingCredits(Asn asn);

    /// <summary>The pending credit of an origin (payment id…), or null.</summary>
    PendingCredit? FindPendingCredit(string reference);

    /// <summary>Available pending credits created before <paramref name="beforeUtc"/>, oldest first, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<PendingCredit> StalePendingCredits(DateTimeOffset beforeUtc, int limit);

    /// <summary>Online loads of a card that are authorised and not yet confirmed or resolved.</summary>
    IReadOnlyList<PendingLoad> OpenLoads(Asn asn);

    /// <summary>Online loads authorised before <paramref name="beforeUtc"/> and never confirmed or resolved, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<PendingLoad> StaleLoads(DateTimeOffset beforeUtc, int limit);

    /// <summary>Operator log entries above a sequence, in order, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<OperatorLogEntry> OperatorLog(long afterSequence, int limit);

    /// <summary>The stored first answer to a request id, or null.</summary>
    StoredOperation? FindOperation(string requestId);

    /// <summary>An approval by id, or null.</summary>
    Approval? FindApproval(long approvalId);

    /// <summary>Approvals waiting for a checker, oldest first.</summary>
    IReadOnlyList<Approval> PendingApprovals();

    /// <summary>Every stored record of a card with its batch's received time, in card order.</summary>
    IReadOnlyList<CardRecordLine> CardRecords(Asn asn);

    /// <summary>
    /// Claiming loads never confirmed (authorised or expired, their credits still reserved) whose accepted load record is
    /// in a batch of <paramref name="businessDay"/> or earlier not yet settled: the record proves the card was written.
    /// </summary>
    IReadOnlyList<PendingLoad> UnconfirmedClaimsWithRecords(DateOnly businessDay);

    /// <summary>The MAC1 an online load was authorised with (null for loads authorised before it was kept).</summary>
    uint? LoadMac1(Asn asn, ushort onlineCounter);

    /// <summary>The operator whose token has this SHA-256 (revoked ones too), or null.</summary>
    Operators.OperatorAccount? FindOperatorByToken(string tokenSha256);

    /// <summary>Every operator, by name.</summary>
    IReadOnlyList<Operators.OperatorAccount> Operators();
}
