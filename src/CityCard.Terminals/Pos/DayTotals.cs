namespace CityCard.Terminals.Pos;

/// <summary>A terminal's totals for one local day, fen.</summary>
public sealed record DayTotals(DateOnly Day, int Count, long GrossFen, long DiscountFen, long NetFen);
