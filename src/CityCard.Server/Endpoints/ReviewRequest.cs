namespace CityCard.Server.Endpoints;

/// <summary>The body of a suspect review: <c>{"decision":"accept|reject","reason":"…"}</c>.</summary>
public sealed record ReviewRequest
{
    /// <summary>accept or reject.</summary>
    public string? Decision { get; init; }

    /// <summary>Why, in words.</summary>
    public string? Reason { get; init; }
}
