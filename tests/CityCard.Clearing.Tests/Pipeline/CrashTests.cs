using System.Diagnostics;
using CityCard.Clearing.Tests.Support;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Pipeline;

/// <summary>
/// kill -9 during ingestion, restart, upload again: every record is processed exactly once and nothing is lost, because
/// a batch is one database transaction that either committed or left no trace.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class CrashTests(PostgresServer server)
{
    private const int Cards = 100;
    private const int PurchasesPerCardPerBatch = 100;
    private const int Batches = 5;

    // Files per transaction: 1 is an upload's own transaction; 2 is IngestAll's groups (one file decided while the
    // previous one is written, both committed together).
    public static TheoryData<string, int> Engines => new()
    {
        { "sqlite", 1 },
        { "postgres", 1 },
        { "sqlite", 2 },
        { "postgres", 2 },
    };

    [Theory]
    [MemberData(nameof(Engines))]
    public void ChildKilledDuringIngestion_RestartedAndUploadedAgain_EveryRecordExactlyOnce(string engine, int filesPerTransaction)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var directory = Directory.CreateTempSubdirectory("citycard-crash-").FullName;
        try
        {
            var cards = Enumerable.Range(0, Cards).Select(_ => world.SellCard(1_000_000)).ToList();
            var files = new List<string>();
            for (var batch = 1; batch <= Batches; batch++)
            {
                var records = new List<Records.TransactionRecord>();
                for (var i = 0; i < PurchasesPerCardPerBatch; i++)
                {
                    var when = At(6).AddSeconds((((batch - 1) * PurchasesPerCardPerBatch) + i) * 10);
                    records.AddRange(cards.Select(card => card.Purchase(2, BusTerminal, BusCompany, when)));
                }

                var path = Path.Combine(directory, $"42-{batch}.ccb");
                File.WriteAllBytes(path, world.Batch(BusDevice, (uint)batch, [.. records]));
                files.Add(path);
            }

            string[] arguments = filesPerTransaction == 1 ? [.. files] : ["--per-transaction", filesPerTransaction.ToString(System.Globalization.CultureInfo.InvariantCulture), .. files];
            var firstRun = RunChild(world.Database.Url, arguments, killAfterStarting: 3);
            var secondRun = RunChild(world.Database.Url, arguments, killAfterStarting: null);
            var thirdRun = RunChild(world.Database.Url, arguments, killAfterStarting: null);

            Assert.Contains($"ingesting {files[2]}", firstRun);
            if (engine == "sqlite")
            {
                Assert.All([firstRun, secondRun, thirdRun], run => Assert.Contains("sqlite multi-thread True", run));
            }

            Assert.DoesNotContain(firstRun, line => line.StartsWith($"done {files[4]}", StringComparison.Ordinal));
            Assert.Equal(Batches, secondRun.Count(line => line.StartsWith("done ", StringComparison.Ordinal)));
            Assert.All(thirdRun.Where(line => line.StartsWith("done ", StringComparison.Ordinal)), line => Assert.EndsWith(" True", line, StringComparison.Ordinal));
            var audit = world.Database.Store.Read(r => r.Audit());
            Assert.True(audit.Ok, audit.ToText());
            const int Total = Cards * PurchasesPerCardPerBatch * Batches;
            Assert.Equal(Total, PipelineTests.Figure(audit, 4, "accepted"));
            Assert.Equal(Total, PipelineTests.Figure(audit, 4, "storedRecords"));
            Assert.All(cards, card => Assert.Equal(card.Balance, world.Card(card).ShadowBalanceFen));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // Runs the child over the files; with killAfterStarting = n it is killed (SIGKILL) as soon as it says it started
    // the n-th file, mid-transaction whenever the timing allows.
    private static List<string> RunChild(string url, IReadOnlyList<string> arguments, int? killAfterStarting)
    {
        var child = Path.Combine(AppContext.BaseDirectory, "CityCard.Clearing.CrashChild.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [child, url, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var lines = new List<string>();
        var started = 0;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            lines.Add(line);
            if (line.StartsWith("ingesting ", StringComparison.Ordinal) && ++started == killAfterStarting)
            {
                process.Kill(entireProcessTree: true);
                break;
            }
        }

        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the child did not finish in 120 s");
        }

        if (killAfterStarting is null && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the child failed ({process.ExitCode}): {process.StandardError.ReadToEnd()}");
        }

        return lines;
    }
}
