using System.Security.Cryptography;
using CityCard.Simulation;
using CityCard.Simulation.Presets;
using CityCard.Storage;

namespace CityCard.Simulation.Tests;

/// <summary>Seeded runs of the tiny city with all faults on: every invariant and ground-truth check, and determinism.</summary>
public sealed class SimulationTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("citycard-sim-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private SimulationResult Run(int seed, int days, FaultRates faults, string name)
    {
        var output = Path.Combine(folder, name);
        using var store = ClearingStores.Open($"sqlite:{Path.Combine(folder, name + ".db")}", migrate: true);
        return SimulationRunner.Run(PresetCatalog.City("tiny"), faults, days, seed, output, store);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void TinyCity_DefaultFaults_EveryCheckPasses(int seed)
    {
        // Three days: cards lost on day 1 are replaced on day 3, after the preset's two-day waiting period.
        var result = Run(seed, 3, FaultRates.Default, $"seed{seed}");
        var failed = result.Checks.SelectMany((day, i) => day.Where(c => !c.Ok).Select(c => $"day {i + 1}: {c.Name}: {c.Detail}")).ToList();
        Assert.True(failed.Count == 0, $"seed {seed}:\n{string.Join('\n', failed)}");
        Assert.True(result.Truth.GenuineRecords > 1000);
    }

    [Fact]
    public void TinyCity_HeavyFaults_EveryCheckPasses_AndEveryFaultHappened()
    {
        var heavy = new FaultRates
        {
            TornRate = 0.01,
            DuplicateUploadRate = 0.1,
            LateBatchRate = 0.1,
            LostBatchRate = 0.1,
            ForgedRecordRate = 0.1,
            ClonedCardRate = 0.01,
            TamperedBatchRate = 0.1,
            TerminalCrashRate = 0.01,
            ClockSkewRate = 0.1,
            LostCardUseRate = 1.0,
            DuplicatePaymentNotificationRate = 0.3,
        };
        var result = Run(11, 3, heavy, "heavy");
        var failed = result.Checks.SelectMany((day, i) => day.Where(c => !c.Ok).Select(c => $"day {i + 1}: {c.Name}: {c.Detail}")).ToList();
        Assert.True(failed.Count == 0, $"seed 11:\n{string.Join('\n', failed)}");
        var t = result.Truth;
        Assert.All(new[] { t.TornTransactions, t.TerminalCrashes, t.DuplicateUploads, t.LateBatches, t.LostBatches, t.ForgedRecords, t.CloneUses, t.TamperedBatches, t.SkewedTerminals, t.LossReports, t.OnlineTopUps, t.DuplicatePaymentNotifications, t.CreditsClaimed, t.Replacements }, n => Assert.True(n > 0));
        Assert.InRange(result.Centre.Rejected, 1, t.ForgedRecords);
        Assert.Equal(t.TamperedBatches, result.RefusedFiles);
        Assert.True(result.Centre.Suspect > 0);
        using var store = ClearingStores.Open($"sqlite:{Path.Combine(folder, "heavy.db")}");
        var pickups = store.Read(r => r.ParameterPickups(null, 10_000));
        Assert.NotEmpty(pickups);
        Assert.All(pickups, p => Assert.True(p.BlacklistVersion > 0));
        // The centre's publisher served them: content set once, a version per day with losses, deltas after the first.
        Assert.Equal(1u, store.Read(r => r.LatestParameterContent())!.ContentVersion);
        var latest = store.Read(r => r.LatestParameterPublication())!;
        Assert.True(latest.Version > 1);
        Assert.Contains(pickups, p => p.Delta);
        Assert.All(pickups, p => Assert.NotNull(store.Read(r => r.FindParameterPublication(p.Version))));
    }

    [Fact]
    public void SameSeed_SameBatchAndSettlementFiles()
    {
        Run(7, 1, FaultRates.Default, "a");
        Run(7, 1, FaultRates.Default, "b");
        Assert.Equal(Digests(Path.Combine(folder, "a")), Digests(Path.Combine(folder, "b")));
        Assert.NotEmpty(Digests(Path.Combine(folder, "a")));
    }

    private static Dictionary<string, string> Digests(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".ccb", StringComparison.Ordinal) || p.EndsWith(".csv", StringComparison.Ordinal))
            .ToDictionary(p => Path.GetRelativePath(root, p), p => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))), StringComparer.Ordinal);

    [Fact]
    public void Presets_BadFile_IsAClearError()
    {
        var path = Path.Combine(folder, "bad.json");
        File.WriteAllText(path, """{ "name": "x", "cards": 0 }""");
        var e = Assert.Throws<ArgumentException>(() => PresetCatalog.City(path));
        Assert.Contains("cards must be", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PresetCatalog.City("atlantis"));
        File.WriteAllText(path, """{ "tornRate": 2 }""");
        Assert.Contains("0..1", Assert.Throws<ArgumentException>(() => PresetCatalog.Faults(path)).Message, StringComparison.Ordinal);
    }
}
