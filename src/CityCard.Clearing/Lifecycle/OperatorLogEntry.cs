namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// One entry of the operator audit log: who did what to which subject, when, the state before and after, and the
/// request id. <see cref="Hash"/> covers <see cref="PreviousHash"/> and every field (<see cref="OperatorLogChain"/>), so
/// removing or altering an entry breaks the chain, which <c>citycard audit</c> reports.
/// </summary>
public sealed record OperatorLogEntry(
    long Sequence,
    string Operator,
    string Action,
    string Subject,
    DateTimeOffset AtUtc,
    string Before,
    string After,
    string RequestId,
    string PreviousHash,
    string Hash);
