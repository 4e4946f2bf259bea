using CityCard.Clearing.Audit;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Settlement;

namespace CityCard.Simulation;

/// <summary>One simulated day's figures: events, the centre's outcomes for records first received that day, settlement, audit.</summary>
public sealed record DayReport(DateOnly Day, int Events, OutcomeTotals Outcomes, SettlementReport Settlement, AuditReport Audit, TimeSpan TapsElapsed, TimeSpan ClearingElapsed);
