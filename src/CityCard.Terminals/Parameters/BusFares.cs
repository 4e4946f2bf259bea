namespace CityCard.Terminals.Parameters;

/// <summary>Bus fare rules.</summary>
public sealed record BusFares
{
    /// <summary>Flat fare per boarding, fen.</summary>
    public long FlatFareFen { get; init; } = 200;

    /// <summary>Distance fares: lines charged by stops travelled (entry and exit taps through composite purchase).</summary>
    public IReadOnlyList<DistanceLine> DistanceLines { get; init; } = [];

    /// <summary>Transfer window in minutes from the previous boarding.</summary>
    public int TransferWindowMinutes { get; init; } = 90;

    /// <summary>Discount on a transfer boarding, fen (never below zero fare).</summary>
    public long TransferDiscountFen { get; init; } = 100;

    /// <summary>A second tap of the same card within this many seconds is not charged again.</summary>
    public int RepeatTapSeconds { get; init; } = 60;
}
