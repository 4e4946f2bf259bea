namespace CityCard.Clearing.Operators;

/// <summary>A back-office operator: a name, a role, and whether the token was revoked. The token itself is never stored.</summary>
/// <param name="Name">The name the operator log records.</param>
/// <param name="Role">What the operator may do.</param>
/// <param name="CreatedUtc">When the operator was added.</param>
/// <param name="RevokedUtc">When the token was revoked (null while it is valid).</param>
public sealed record OperatorAccount(string Name, OperatorRole Role, DateTimeOffset CreatedUtc, DateTimeOffset? RevokedUtc)
{
    /// <summary>Whether the account may act in <paramref name="needed"/>.</summary>
    public bool May(OperatorRole needed) => RevokedUtc is null && Role >= needed;
}
