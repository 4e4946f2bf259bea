namespace CityCard.Terminals.Parameters;

/// <summary>
/// A concession for a card type: the passenger pays <see cref="PayPercent"/> of the fare (0 = free), optionally only
/// off-peak. Applies to transit fares (bus, not taxi or shops).
/// </summary>
public sealed record ConcessionRule
{
    /// <summary>Card type name (ordinary, student, elder, disabled, staff).</summary>
    public required string CardType { get; init; }

    /// <summary>Percentage of the fare the passenger pays, 0..100.</summary>
    public int PayPercent { get; init; } = 100;

    /// <summary>When true, the concession applies only outside the peak windows.</summary>
    public bool OffPeakOnly { get; init; }

    /// <summary>Peak windows as "HH:mm-HH:mm" (local time).</summary>
    public IReadOnlyList<string> PeakWindows { get; init; } = ["07:00-09:00", "17:00-19:00"];
}
