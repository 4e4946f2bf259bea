using System.Diagnostics;
using System.Text;
using CityCard.Terminals.Journal;
using CsCheck;

namespace CityCard.Terminals.Tests;

public sealed class JournalTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("citycard-journal-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string PathOf(string name) => Path.Combine(folder, name);

    [Fact]
    public void AppendThenReopen_ReturnsEveryEntryInOrder()
    {
        var path = PathOf("j.log");
        using (var journal = TransactionJournal.Open(path))
        {
            for (var i = 0; i < 50; i++)
            {
                journal.Append((byte)(i % 3), Encoding.ASCII.GetBytes($"entry {i}"));
            }
        }

        using var reopened = TransactionJournal.Open(path);
        Assert.Equal(50, reopened.Entries.Count);
        Assert.Equal("entry 49", Encoding.ASCII.GetString(reopened.Entries[49].Payload));
        Assert.Equal(51ul, reopened.NextSequence);
        Assert.Equal(0, reopened.TruncatedTailBytes);
    }

    [Fact]
    public void TornTail_AtEveryLength_IsCutOff_AndCompleteEntriesStay()
    {
        var path = PathOf("j.log");
        using (var journal = TransactionJournal.Open(path))
        {
            journal.Append(1, "first"u8);
            journal.Append(1, "second"u8);
        }

        var full = File.ReadAllBytes(path);
        var firstLength = TransactionJournal.Encode(1, 1, "first"u8).Length;
        for (var cut = firstLength; cut < full.Length; cut++)
        {
            File.WriteAllBytes(path, full[..cut]);
            using var journal = TransactionJournal.Open(path);
            Assert.Single(journal.Entries);
            Assert.Equal(cut - firstLength, journal.TruncatedTailBytes);
            journal.Append(1, "third"u8);
        }
    }

    [Fact]
    public void DamageBeforeTheTail_IsRefused_NotSkipped()
    {
        var path = PathOf("j.log");
        using (var journal = TransactionJournal.Open(path))
        {
            journal.Append(1, "first"u8);
            journal.Append(1, "second"u8);
        }

        var bytes = File.ReadAllBytes(path);
        bytes[16] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<JournalException>(() => TransactionJournal.Open(path));
        Assert.Contains("damaged and valid entries follow", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomTailGarbage_NeverYieldsAFalseEntry()
    {
        Gen.Byte.Array[1, 64].Sample(garbage =>
        {
            var path = PathOf($"g{Guid.NewGuid():N}.log");
            using (var journal = TransactionJournal.Open(path))
            {
                journal.Append(1, "kept"u8);
            }

            File.AppendAllText(path, string.Empty);
            using (var stream = new FileStream(path, FileMode.Append))
            {
                stream.Write(garbage);
            }

            using var reopened = TransactionJournal.Open(path);
            Assert.Single(reopened.Entries);
            File.Delete(path);
        }, iter: 300);
    }

    [Fact]
    public void WriteFault_StopsSalesAndLosesNothingAcknowledged()
    {
        var path = PathOf("j.log");
        using (var journal = TransactionJournal.Open(path))
        {
            journal.Append(1, "acknowledged"u8);
            journal.WriteFault = (stream, bytes) =>
            {
                stream.Write(bytes, 0, bytes.Length / 2);
                throw new IOException("No space left on device");
            };
            var e = Assert.Throws<JournalException>(() => journal.Append(1, "not recorded"u8));
            Assert.Contains("No space left on device", e.Message, StringComparison.Ordinal);
            journal.WriteFault = null;
            Assert.Throws<JournalException>(() => journal.Append(1, "after failure"u8));
        }

        using var reopened = TransactionJournal.Open(path);
        var entry = Assert.Single(reopened.Entries);
        Assert.Equal("acknowledged", Encoding.ASCII.GetString(entry.Payload));
    }

    [Fact]
    public void UnwritableJournal_IsAClearError()
    {
        var directory = PathOf("no-such-dir");
        var e = Assert.Throws<JournalException>(() => TransactionJournal.Open(Path.Combine(directory, "j.log")));
        Assert.Contains("sales are stopped", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChildProcessKilledDuringWrites_EveryAcknowledgedEntryIsThereExactlyOnce()
    {
        var path = PathOf("crash.log");
        var child = Path.Combine(AppContext.BaseDirectory, "CityCard.Terminals.CrashChild.dll");
        Assert.True(File.Exists(child), $"missing {child}");
        ulong acknowledged = 0;
        for (var round = 0; round < 3; round++)
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", [child, path]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var target = acknowledged + 200 + ((ulong)round * 37);
            while (process.StandardOutput.ReadLine() is { } line)
            {
                acknowledged = ulong.Parse(line.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture);
                if (acknowledged >= target)
                {
                    break;
                }
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            using var journal = TransactionJournal.Open(path);
            Assert.True((ulong)journal.Entries.Count >= acknowledged, $"round {round}: {journal.Entries.Count} entries, {acknowledged} acknowledged");
            Assert.Equal(Enumerable.Range(1, journal.Entries.Count).Select(i => (ulong)i), journal.Entries.Select(e => e.Sequence));
            acknowledged = (ulong)journal.Entries.Count;
        }
    }
}
