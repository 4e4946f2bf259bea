namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// An operation held for a second operator (maker-checker): a refund or manual adjustment above the policy's amount.
/// <see cref="Payload"/> is the operation as the maker asked it (JSON); the checker's approval carries it out.
/// </summary>
public sealed record Approval
{
    /// <summary>The approval's id.</summary>
    public required long ApprovalId { get; init; }

    /// <summary><c>refund</c> or <c>adjust</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>The card (16 hex digits).</summary>
    public required string Subject { get; init; }

    /// <summary>The amount that needs approval, fen.</summary>
    public required long AmountFen { get; init; }

    /// <summary>The operator who asked.</summary>
    public required string Maker { get; init; }

    /// <summary>The maker's request id.</summary>
    public required string RequestId { get; init; }

    /// <summary>The operation's parameters (JSON).</summary>
    public required string Payload { get; init; }

    /// <summary><c>pending</c>, <c>approved</c> or <c>declined</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The second operator, once decided.</summary>
    public string? Checker { get; init; }

    /// <summary>When it was asked.</summary>
    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>When it was decided.</summary>
    public DateTimeOffset? DecidedUtc { get; init; }
}
