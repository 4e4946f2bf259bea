using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Terminals.Bus;
using CityCard.Terminals.Core;
using CityCard.Terminals.Parameters;

namespace CityCard.Terminals.Tests;

public sealed class TerminalCoreTests : IDisposable
{
    private readonly Rig rig = new();

    public void Dispose() => rig.Dispose();

    [Fact]
    public void CloseBatch_WritesSignedFile_UploadMovesItToSent_AndReopenKeepsState()
    {
        var directory = Path.Combine(rig.Folder, "bus");
        using (var core = rig.Install("bus", DeviceKind.BusValidator, 31, 3))
        {
            var bus = new BusValidator(Rig.Purchase(core, 0x31));
            for (var i = 0; i < 3; i++)
            {
                bus.Tap(rig.Card(100 + i, 1000), 1);
            }

            var path = core.CloseBatch();
            Assert.NotNull(path);
            var batch = BatchCodec.Read(File.ReadAllBytes(path), UploadKeys.Derive(Rig.Keys, 31));
            Assert.Equal(3, batch.Records.Count);
            Assert.Equal(1u, batch.Header.BatchNumber);
            Assert.Null(core.CloseBatch());
            var drop = Path.Combine(rig.Folder, "drop");
            Assert.Single(core.Upload(new FolderBatchSink(drop)));
            Assert.True(File.Exists(Path.Combine(drop, TerminalCore.BatchFileName(31, 1))));
            Assert.Empty(Directory.GetFiles(core.OutboxDirectory));
        }

        using var reopened = TerminalCore.Open(directory, rig.Clock);
        Assert.Equal(1u, reopened.LastBatchNumber);
        Assert.Empty(reopened.OpenRecords);
        Assert.Equal(3, reopened.AllRecords.Count);
    }

    [Fact]
    public void BatchDue_ByCountAndByAge()
    {
        using var core = rig.Install("bus", DeviceKind.BusValidator, 32, 3, batchMaxRecords: 2);
        var bus = new BusValidator(Rig.Purchase(core, 0x32));
        Assert.False(core.BatchDue());
        bus.Tap(rig.Card(110, 1000), 1);
        Assert.False(core.BatchDue());
        rig.Clock.Advance(TimeSpan.FromMinutes(60));
        Assert.True(core.BatchDue());
        bus.Tap(rig.Card(111, 1000), 1);
        Assert.True(core.BatchDue());
    }

    [Fact]
    public void CrashBetweenClosingAndClosed_RewritesTheSameBatchOnOpen()
    {
        var directory = Path.Combine(rig.Folder, "bus");
        byte[] first;
        using (var core = rig.Install("bus", DeviceKind.BusValidator, 33, 3))
        {
            new BusValidator(Rig.Purchase(core, 0x33)).Tap(rig.Card(120, 1000), 1);
            first = File.ReadAllBytes(core.CloseBatch()!);
        }

        // Simulate the crash: drop the "closed" entry (the last one) and the file.
        var journalPath = Path.Combine(directory, "journal.log");
        var bytes = File.ReadAllBytes(journalPath);
        File.WriteAllBytes(journalPath, bytes[..^(2 + 4 + 8 + 1 + 4 + 4)]);
        Directory.Delete(Path.Combine(directory, "outbox"), recursive: true);
        using var reopened = TerminalCore.Open(directory, rig.Clock);
        var rewritten = File.ReadAllBytes(Path.Combine(reopened.OutboxDirectory, TerminalCore.BatchFileName(33, 1)));
        Assert.Equal(first, rewritten);
        Assert.Equal(1u, reopened.LastBatchNumber);
    }

    [Fact]
    public void Parameters_WrongSignatureOrOldVersion_AreRefusedAndTheOldOnesStay()
    {
        using var core = rig.Install("bus", DeviceKind.BusValidator, 34, 3);
        var newer = Rig.DefaultParameters(2) with { Bus = new BusFares { FlatFareFen = 300 } };
        var signed = Rig.Signed(newer);
        var tampered = (byte[])signed.Clone();
        tampered[tampered.Length / 2] ^= 0x01;
        Assert.Throws<ParameterFileException>(() => core.InstallParameters(tampered));
        Assert.Throws<ParameterFileException>(() => core.InstallParameters(Rig.Signed(Rig.DefaultParameters(1))));
        Assert.Throws<ParameterFileException>(() => core.InstallParameters("{not json"u8.ToArray()));
        Assert.Equal(1u, core.Parameters.Version);
        core.InstallParameters(signed);
        Assert.Equal(300, core.Parameters.Bus.FlatFareFen);
    }

    [Fact]
    public void SignedButNonsensicalParameters_AreRefusedWithReason()
    {
        using var core = rig.Install("bus", DeviceKind.BusValidator, 35, 3);
        var bad = Rig.DefaultParameters(2) with { Concessions = [new ConcessionRule { CardType = "student", PayPercent = 150 }] };
        var e = Assert.Throws<ParameterFileException>(() => core.InstallParameters(Rig.Signed(bad)));
        Assert.Contains("payPercent out of range", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondProcessOnTheSameFolder_IsRefused()
    {
        using var core = rig.Install("bus", DeviceKind.BusValidator, 36, 3);
        Assert.Throws<TerminalException>(() => TerminalCore.Open(Path.Combine(rig.Folder, "bus"), rig.Clock));
    }
}

public sealed class CrashRecoveryTests : IDisposable
{
    private readonly Rig rig = new();

    public void Dispose() => rig.Dispose();

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.99)]
    public void CrashWhileJournallingTheRecord_AfterTheCardDebited_RecoveredOnceAtTheNextTap(double tornShare)
    {
        var directory = Path.Combine(rig.Folder, "bus");
        var card = rig.Card(900, 1000);
        var psam = Rig.Psam(0x90);
        using (var core = rig.Install("bus", DeviceKind.BusValidator, 90, 3))
        {
            var writes = 0;
            core.JournalWriteFault = (stream, bytes) =>
            {
                // The first write is the intent (before DEBIT); the second, the record, is torn by the crash.
                if (++writes == 2)
                {
                    stream.Write(bytes, 0, (int)(bytes.Length * tornShare));
                    throw new IOException("power lost");
                }
            };
            Assert.Throws<Terminals.Journal.JournalException>(() => new BusValidator(new Terminals.Common.PurchaseTerminal(core, psam, null)).Tap(card, 1));
        }

        Assert.Equal(800, card.Purse.Balance);
        using var restarted = TerminalCore.Open(directory, rig.Clock);
        Assert.Empty(restarted.AllRecords);
        Assert.Single(restarted.Pending);
        var again = new BusValidator(new Terminals.Common.PurchaseTerminal(restarted, psam, null)).Tap(card, 1);
        Assert.Equal(Terminals.Common.TapOutcome.Recovered, again.Outcome);
        Assert.Equal(800, card.Purse.Balance);
        var record = Assert.Single(restarted.AllRecords);
        Assert.Equal(200, record.AmountFen);
        Assert.Empty(restarted.Pending);
    }

    [Fact]
    public void RefusedDebit_VoidsItsIntent()
    {
        using var core = rig.Install("bus", DeviceKind.BusValidator, 91, 3);
        var result = new BusValidator(Rig.Purchase(core, 0x91)).Tap(rig.Card(901, 100), 1);
        Assert.Equal(Terminals.Common.TapOutcome.Refused, result.Outcome);
        Assert.Empty(core.Pending);
    }
}
