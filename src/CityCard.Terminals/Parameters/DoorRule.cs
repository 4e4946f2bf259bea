namespace CityCard.Terminals.Parameters;

/// <summary>A door's allow-list: card types and individual cards allowed through.</summary>
public sealed record DoorRule
{
    /// <summary>The door id.</summary>
    public required uint DoorId { get; init; }

    /// <summary>Card types allowed (names); empty means none by type.</summary>
    public IReadOnlyList<string> CardTypes { get; init; } = [];

    /// <summary>Individual cards allowed (ASNs, 16 hex digits).</summary>
    public IReadOnlyList<string> Cards { get; init; } = [];
}
