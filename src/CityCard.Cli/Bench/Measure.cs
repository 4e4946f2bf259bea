using System.Diagnostics;
using System.Globalization;

namespace CityCard.Bench;

/// <summary>
/// A small single-thread throughput harness: warm up, then run the operation in rounds until a time budget is spent,
/// and report operations per second (the best round, which is the least disturbed by the other core's load).
/// </summary>
internal static class Measure
{
    public static double OpsPerSecond(Func<int, long> round, int opsPerRound, double seconds = 1.0)
    {
        var sink = 0L;
        for (var i = 0; i < 3; i++)
        {
            sink += round(opsPerRound);
        }

        var best = 0.0;
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            var watch = Stopwatch.StartNew();
            sink += round(opsPerRound);
            var rate = opsPerRound / watch.Elapsed.TotalSeconds;
            best = Math.Max(best, rate);
        }

        GC.KeepAlive(sink);
        return best;
    }

    public static string Rate(double opsPerSecond) => opsPerSecond.ToString("N0", CultureInfo.InvariantCulture) + "/s";

    public static string Micro(double opsPerSecond) => (1e6 / opsPerSecond).ToString("0.000", CultureInfo.InvariantCulture) + " µs";

    public static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
