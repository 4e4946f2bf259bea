namespace CityCard.Terminals.Outlet;

/// <summary>An outlet shift report: loads, cash taken (by reason) and loads still waiting for their card.</summary>
public sealed record ShiftReport(int Loads, long LoadedFen, long CashFen, IReadOnlyDictionary<string, long> CashByReasonFen, int PendingLoads);
