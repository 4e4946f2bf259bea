using System.Diagnostics;
using CityCard.Clearing.Storage;
using CityCard.Simulation.Presets;

namespace CityCard.Simulation;

/// <summary>Runs a whole simulation: builds the city, simulates the days with checks after each, and sums up.</summary>
public static class SimulationRunner
{
    /// <summary>The first simulated day (a Monday), fixed so that runs are reproducible.</summary>
    public static readonly DateOnly FirstDay = new(2026, 11, 2);

    /// <summary>Runs <paramref name="days"/> days of <paramref name="preset"/> with <paramref name="faults"/> from <paramref name="seed"/>.</summary>
    public static SimulationResult Run(CityPreset preset, FaultRates faults, int days, int seed, string outputDirectory, IClearingStore store, IProgress<(string Stage, double Fraction)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, 366);
        var watch = Stopwatch.StartNew();
        progress?.Report(("building the city", 0));
        using var simulation = new CitySimulation(preset, faults, seed, outputDirectory, store, FirstDay);
        var reports = new List<DayReport>();
        var checks = new List<IReadOnlyList<SimulationCheck>>();
        for (var day = 0; day < days; day++)
        {
            // Passed on where it is reported (Progress<T> would post it to the thread pool, to arrive after the run).
            var dayNumber = day + 1;
            var report = simulation.RunDay(day, progress is null ? null : new DayProgress(progress, $"day {dayNumber}/{days}: "));
            reports.Add(report);
            checks.Add(simulation.Check(report));
        }

        return new SimulationResult
        {
            Preset = preset.Name,
            Seed = seed,
            Cards = simulation.CardCount,
            Terminals = simulation.TerminalCount,
            Days = reports,
            Checks = checks,
            Truth = simulation.Truth,
            Centre = simulation.CentreTotals,
            RefusedFiles = simulation.RefusedFiles,
            ReplayedUploads = simulation.ReplayedUploads,
            RevenueByOperator = simulation.RevenueByOperator,
            Elapsed = watch.Elapsed,
        };
    }

    // A day's stages, reported to the run's progress with the day in front, on the reporting thread.
    private sealed class DayProgress(IProgress<(string Stage, double Fraction)> run, string prefix) : IProgress<(string Stage, double Fraction)>
    {
        public void Report((string Stage, double Fraction) value) => run.Report((prefix + value.Stage, value.Fraction));
    }
}
