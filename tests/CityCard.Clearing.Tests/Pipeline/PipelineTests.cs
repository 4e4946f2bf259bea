using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Records;
using CityCard.Security.Ep;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Pipeline;

/// <summary>The verification pipeline on both engines: each issue case shows its outcome and that nothing else moved.</summary>
[Collection(DatabaseGroup.Name)]
public sealed class PipelineTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_GenuineLoadAndPurchases_AllAcceptedAndAuditHolds(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var load = world.Ingest(OutletDevice, 1, card.Load(1_000, OutletTerminal, Outlet, At(7)));
        var bus = world.Ingest(BusDevice, 1, card.Purchase(200, BusTerminal, BusCompany, At(8)), card.Purchase(150, BusTerminal, BusCompany, At(9)));

        Assert.Equal(BatchStatus.Cleared, bus.Receipt.Status);
        Assert.Equal((1, 1_000L), (load.Receipt.Totals.Accepted, load.Receipt.Totals.AcceptedFen));
        Assert.Equal((2, 350L), (bus.Receipt.Totals.Accepted, bus.Receipt.Totals.AcceptedFen));
        Assert.Equal(5_650, world.Card(card).ShadowBalanceFen);
        Assert.Equal(card.Balance, world.Card(card).ChainBalanceFen);
        AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_Sm4Card_TacVerifiedAndAccepted(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(3_000, EpAlgorithm.Sm4);
        var result = world.Ingest(ShopDevice, 1, card.Purchase(1_250, ShopTerminal, Shop, At(12)));
        Assert.Equal(ReasonCode.Cleared, Outcomes(world, card).Single());
        Assert.Equal(1, result.Receipt.Totals.Accepted);
        Assert.Equal(1_750, world.Card(card).ShadowBalanceFen);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_ForgedTac_RejectedAndNothingElseMoved(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var genuine = card.Purchase(200, BusTerminal, BusCompany, At(8));
        var altered = genuine with { AmountFen = 2, Counter = 7 };
        var fabricated = card.Sign(genuine) with { Tac = genuine.Tac ^ 0x0100_0000, Counter = 9 };
        var before = world.Database.Store.Read(r => r.Audit());

        var result = world.Ingest(BusDevice, 1, genuine, altered, fabricated);

        Assert.Equal((1, 2), (result.Receipt.Totals.Accepted, result.Receipt.Totals.Rejected));
        Assert.Equal([ReasonCode.Cleared, ReasonCode.BadTac, ReasonCode.BadTac], Outcomes(world, card));
        Assert.Equal(4_800, world.Card(card).ShadowBalanceFen);
        Assert.Equal(0, world.Card(card).OpenGaps);
        var after = world.Database.Store.Read(r => r.Audit());
        Assert.Equal(Figure(before, 2, "cardFloatFen") - 200, Figure(after, 2, "cardFloatFen"));
        Assert.Equal(Figure(before, 1, "transactions") + 1, Figure(after, 1, "transactions"));
        AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_RecordAgainInLaterBatch_DuplicateAndNotPostedTwice(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var first = card.Purchase(200, BusTerminal, BusCompany, At(8));
        world.Ingest(BusDevice, 1, first);
        var second = card.Purchase(300, BusTerminal, BusCompany, At(9));

        var result = world.Ingest(BusDevice, 2, first, second);

        Assert.Equal((1, 1, 200L), (result.Receipt.Totals.Accepted, result.Receipt.Totals.Duplicate, result.Receipt.Totals.DuplicateFen));
        Assert.Equal([ReasonCode.Cleared, ReasonCode.DuplicateRecord, ReasonCode.Cleared], Outcomes(world, card));
        Assert.Equal(4_500, world.Card(card).ShadowBalanceFen);
        AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_SameCounterDifferentContent_SuspectClonedCard(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var genuine = card.Purchase(200, BusTerminal, BusCompany, At(8));
        world.Ingest(BusDevice, 1, genuine);
        var clone = card.Sign(genuine with { AmountFen = 500, DateTime = new BcdDateTime(At(8, 30)), Ttsn = genuine.Ttsn + 50 });

        var result = world.Ingest(BusDevice, 2, clone);

        Assert.Equal((0, 1, 500L), (result.Receipt.Totals.Accepted, result.Receipt.Totals.Suspect, result.Receipt.Totals.SuspectFen));
        Assert.Equal([ReasonCode.Cleared, ReasonCode.ClonedCard], Outcomes(world, card));
        Assert.Equal(4_800, world.Card(card).ShadowBalanceFen);
        Assert.Single(world.Database.Store.Read(r => r.RecordsByOutcome(RecordOutcome.Suspect, 10)));
        AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_LateRecord_FillsTheGapHeldOpen(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var first = card.Purchase(200, BusTerminal, BusCompany, At(8));
        var late = card.Purchase(300, ShopTerminal, Shop, At(9));
        var third = card.Purchase(100, BusTerminal, BusCompany, At(10));

        var bus = world.Ingest(BusDevice, 1, first, third);
        Assert.Equal(1, world.Card(card).OpenGaps);
        var audit = world.Database.Store.Read(r => r.Audit());
        Assert.True(audit.Ok, audit.ToText());
        Assert.Equal(1, Figure(audit, 3, "cardsWithOpenGaps"));

        var shop = world.Ingest(ShopDevice, 1, late);

        Assert.Equal(2, bus.Receipt.Totals.Accepted);
        Assert.Equal(1, shop.Receipt.Totals.Accepted);
        Assert.Equal([ReasonCode.Cleared, ReasonCode.ClearedFillsGap, ReasonCode.ClearedOpensGap], Outcomes(world, card));
        Assert.Equal(0, world.Card(card).OpenGaps);
        Assert.Equal(card.Balance, world.Card(card).ShadowBalanceFen);
        audit = world.Database.Store.Read(r => r.Audit());
        Assert.True(audit.Ok, audit.ToText());
        Assert.Equal(0, Figure(audit, 3, "openGaps"));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_LateRecordThatDoesNotChain_Suspect(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var first = card.Purchase(200, BusTerminal, BusCompany, At(8));
        var late = card.Purchase(300, ShopTerminal, Shop, At(9));
        var third = card.Purchase(100, BusTerminal, BusCompany, At(10));
        world.Ingest(BusDevice, 1, first, third);

        // A card altered outside the key system: the purchase TAC does not cover the balance.
        world.Ingest(ShopDevice, 1, card.Sign(late with { BalanceBeforeFen = 9_999 }));

        Assert.Equal([ReasonCode.Cleared, ReasonCode.BalanceChainBroken, ReasonCode.ClearedOpensGap], Outcomes(world, card));
        Assert.Equal(1, world.Card(card).OpenGaps);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_BalanceBeforeDoesNotFollow_SuspectAndNotPosted(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        // Money gone from the card with no purchase counter missing: altered outside the key system (the purchase TAC
        // does not cover the balance).
        var record = card.Sign(card.Purchase(200, BusTerminal, BusCompany, At(8)) with { BalanceBeforeFen = 4_000 });
        var result = world.Ingest(BusDevice, 1, record);
        Assert.Equal(1, result.Receipt.Totals.Suspect);
        Assert.Equal([ReasonCode.BalanceChainBroken], Outcomes(world, card));
        Assert.Equal(5_000, world.Card(card).ShadowBalanceFen);
        AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_BlacklistedCard_SuspectOnlyWhenTheTerminalHadTheVersion(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var version = world.Registry.ReportLost(card.Asn, "reported lost at the outlet");
        var unaware = card.Purchase(200, BusTerminal, BusCompany, At(8), blacklistVersion: version - 1);
        var aware = card.Purchase(300, BusTerminal, BusCompany, At(9), blacklistVersion: version);

        var result = world.Ingest(BusDevice, 1, unaware, aware);

        Assert.Equal((1, 1), (result.Receipt.Totals.Accepted, result.Receipt.Totals.Suspect));
        Assert.Equal([ReasonCode.Cleared, ReasonCode.UsedAfterBlacklisting], Outcomes(world, card));
        Assert.Equal(4_800, world.Card(card).ShadowBalanceFen);
        Assert.Equal(version, world.Database.Store.Read(r => r.FindDevice(BusDevice))!.BlacklistVersion);
        AssertAuditOk(world);
    }

    // 70 cards in one batch: PostgreSQL updates the cards and writes their postings by binary COPY (from 64 on). Every
    // card's new state is stored, a blacklisted card keeps its version, and the rest keep none.
    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_SeventyCardsOneBlacklisted_EveryCardStateStoredAsDecided(string engine)
    {
        using var world = NewWorld(engine);
        var cards = Enumerable.Range(0, 70).Select(i => world.SellCard(5_000 + i)).ToList();
        var version = world.Registry.ReportLost(cards[17].Asn, "reported lost at the outlet");
        var records = cards.Select((c, i) => c.Purchase(100 + i, BusTerminal, BusCompany, At(8, i % 60, i / 60), blacklistVersion: version - 1)).ToArray();

        var result = world.Ingest(BusDevice, 1, records);

        Assert.Equal(70, result.Receipt.Totals.Accepted);
        for (var i = 0; i < cards.Count; i++)
        {
            var stored = world.Card(cards[i]);
            Assert.Equal(5_000 + i - (100 + i), stored.ShadowBalanceFen);
            Assert.Equal(i == 17 ? version : null, stored.BlacklistedVersion);
        }

        AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_TamperedFile_RefusedStoredAndNothingPosted(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var file = world.Batch(BusDevice, 1, card.Purchase(200, BusTerminal, BusCompany, At(8)));
        var tampered = (byte[])file.Clone();
        tampered[48 + 55] ^= 0x01; // the merchant id: only the file MAC covers it
        var transactions = Figure(world.Database.Store.Read(r => r.Audit()), 1, "transactions");

        var refused = world.Clearing.Ingest(tampered);
        var again = world.Clearing.Ingest(tampered);

        Assert.Equal((BatchStatus.Refused, FileRefusal.BadFileMac), (refused.Receipt.Status, refused.Receipt.Refusal));
        Assert.Contains("file MAC", refused.Receipt.Message, StringComparison.Ordinal);
        Assert.Equal(refused.Receipt, again.Receipt);
        Assert.True(again.Replayed);
        Assert.Single(world.Database.Store.Read(r => r.RefusedFiles(10)));
        Assert.Equal(5_000, world.Card(card).ShadowBalanceFen);
        Assert.Equal(transactions, Figure(world.Database.Store.Read(r => r.Audit()), 1, "transactions"));
        Assert.Null(world.Database.Store.Read(r => r.FindBatch(BusDevice, 1)));

        var genuine = world.Clearing.Ingest(file);
        Assert.Equal(1, genuine.Receipt.Totals.Accepted);
        AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_MalformedInput_RefusedWithTheProblemNamed(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var file = world.Batch(BusDevice, 1, card.Purchase(200, BusTerminal, BusCompany, At(8)));
        byte[][] inputs = [[], "not a batch file at all, just text"u8.ToArray(), file[..^10], file[..100], [.. file, 0]];

        foreach (var input in inputs)
        {
            var result = world.Clearing.Ingest(input);
            Assert.Equal(BatchStatus.Refused, result.Receipt.Status);
            Assert.Equal(FileRefusal.Malformed, result.Receipt.Refusal);
            Assert.StartsWith("batch file: byte ", result.Receipt.Message, StringComparison.Ordinal);
        }

        Assert.Equal(inputs.Length, world.Database.Store.Read(r => r.RefusedFiles(100)).Count);
        Assert.Equal(0, Figure(world.Database.Store.Read(r => r.Audit()), 4, "batches"));
        Assert.Equal(5_000, world.Card(card).ShadowBalanceFen);
    }

    // Anyone can send bytes to the centre: a file refused before its file MAC verified keeps at most 64 KiB of evidence
    // (with its whole SHA-256 and length); a file the device signed (a reused batch number) is kept whole.
    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_LargeRefusedFile_KeptWholeOnlyWhenAuthenticated(string engine)
    {
        using var world = NewWorld(engine);
        var junk = new byte[200_000];
        new Random(7).NextBytes(junk);
        var card = world.SellCard(5_000);
        world.Ingest(BusDevice, 1, card.Purchase(1, BusTerminal, BusCompany, At(8)));
        var signed = world.Batch(BusDevice, 1, [.. Enumerable.Range(0, 900).Select(i => card.Purchase(1, BusTerminal, BusCompany, At(9)))]);

        var unauthenticated = world.Clearing.Ingest(junk);
        var reused = world.Clearing.Ingest(signed);

        Assert.Equal(FileRefusal.Malformed, unauthenticated.Receipt.Refusal);
        Assert.EndsWith("(not authenticated: its first 65,536 of 200,000 bytes are kept, with the SHA-256 of all of them)", unauthenticated.Receipt.Message, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(junk)), unauthenticated.Receipt.FileSha256);
        Assert.Equal(FileRefusal.BatchNumberReused, reused.Receipt.Refusal);
        Assert.True(signed.Length > 65_536);
        Assert.DoesNotContain("not authenticated", reused.Receipt.Message, StringComparison.Ordinal);
        Assert.Equal(65_536, world.Database.ScalarRaw($"SELECT length(bytes) FROM refused_files WHERE refusal = {(int)FileRefusal.Malformed}"));
        Assert.Equal(signed.Length, world.Database.ScalarRaw($"SELECT length(bytes) FROM refused_files WHERE refusal = {(int)FileRefusal.BatchNumberReused}"));
        // The same junk again is the stored answer, not a second copy.
        Assert.True(world.Clearing.Ingest(junk).Replayed);
        Assert.Equal(2, world.Database.ScalarRaw("SELECT COUNT(*) FROM refused_files"));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_UnknownOrRevokedDevice_Refused(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var unknown = world.Clearing.Ingest(world.Batch(77, 1, card.Purchase(200, BusTerminal, BusCompany, At(8))));
        world.Registry.RevokeDevice(BusDevice);
        var revoked = world.Clearing.Ingest(world.Batch(BusDevice, 1, card.Purchase(200, BusTerminal, BusCompany, At(9))));

        Assert.Equal(FileRefusal.UnknownDevice, unknown.Receipt.Refusal);
        Assert.Equal(FileRefusal.RevokedDevice, revoked.Receipt.Refusal);
        Assert.Equal(5_000, world.Card(card).ShadowBalanceFen);
    }

    // A shop's POS uploading, under its own device id and upload key, records made with the bus validator's PSAM: its
    // header names that PSAM, which is not the one registered for the shop's device.
    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_RecordsMadeWithAnotherDevicesPsam_RefusedAsDeviceMismatch_NothingPosted(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var file = BatchWithBusPsam(world, DeviceKind.MerchantPos, ShopDevice, card.Purchase(1_000, BusTerminal, Shop, At(8)));

        var result = world.Clearing.Ingest(file);
        var own = world.Ingest(ShopDevice, 2, card.Purchase(1_000, ShopTerminal, Shop, At(9)));

        Assert.Equal(FileRefusal.DeviceMismatch, result.Receipt.Refusal);
        Assert.Contains($"registered with PSAM terminal {ShopTerminal}, the header says {BusTerminal}", result.Receipt.Message, StringComparison.Ordinal);
        Assert.Equal(0, result.Receipt.Totals.Accepted);
        Assert.Equal(1, own.Receipt.Totals.Accepted);
        Assert.Equal(4_000, world.Card(card).ShadowBalanceFen);
        AssertAuditOk(world);
    }

    // A device registered without a PSAM (a door reader) has no PSAM of its own to compare a header with: its purchases
    // are refused record by record, its access events are not.
    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_PurchaseFromADeviceWithoutAPsam_RejectedAsUnknownTerminal_NothingPosted(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        const uint Door = 77;
        world.Registry.AddDevice(Door, DeviceKind.DoorReader, Shop, default);
        var file = BatchWithBusPsam(world, DeviceKind.DoorReader, Door, card.Purchase(1_000, BusTerminal, Shop, At(8)));

        var result = world.Clearing.Ingest(file);

        Assert.Null(result.Receipt.Refusal);
        Assert.Equal(1, result.Receipt.Totals.Rejected);
        Assert.Equal(0, result.Receipt.Totals.Accepted);
        Assert.Equal(ReasonCode.UnknownTerminal, Assert.Single(Outcomes(world, card)));
        Assert.Equal(5_000, world.Card(card).ShadowBalanceFen);
        AssertAuditOk(world);
    }

    // Batch 1 of a device of the shop's operator, signed with the device's own upload key, whose header names the bus
    // validator's PSAM (the records were made with it).
    private static byte[] BatchWithBusPsam(World world, DeviceKind kind, uint deviceId, params TransactionRecord[] records) =>
        Records.Batches.BatchCodec.Write(
            new Records.Batches.BatchHeader
            {
                DeviceKind = kind,
                DeviceId = deviceId,
                PsamTerminal = BusTerminal,
                BatchNumber = 1,
                CreatedUtc = world.Clock.Now,
                OperatorId = Shop,
                ParameterVersion = 1,
            },
            records,
            Records.Batches.UploadKeys.Derive(world.Keys, deviceId));

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_SameBatchTwice_SameReceiptNothingPostedTwice(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var file = world.Batch(BusDevice, 1, card.Purchase(200, BusTerminal, BusCompany, At(8)));

        var first = world.Clearing.Ingest(file);
        world.Clock.Now = world.Clock.Now.AddMinutes(5);
        var second = world.Clearing.Ingest(file);

        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Equal(first.Receipt, second.Receipt);
        Assert.Equal(4_800, world.Card(card).ShadowBalanceFen);
        AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_SameBatchConcurrently_OneWinsOthersGetTheSameAnswer(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(50_000);
        var records = Enumerable.Range(0, 200).Select(i => card.Purchase(10, BusTerminal, BusCompany, At(6).AddSeconds(i * 30))).ToArray();
        var file = world.Batch(BusDevice, 1, records);

        var results = new IngestResult[6];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = results.Length }, i => results[i] = world.Clearing.Ingest(file));

        Assert.Single(results, r => !r.Replayed);
        Assert.All(results, r => Assert.Equal(results[0].Receipt, r.Receipt));
        Assert.Equal(200, results[0].Receipt.Totals.Accepted);
        Assert.Equal(48_000, world.Card(card).ShadowBalanceFen);
        Assert.Equal(200, Figure(world.Database.Store.Read(r => r.Audit()), 4, "storedRecords"));
        AssertAuditOk(world);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_DifferentFileUnderAUsedBatchNumber_Refused(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        world.Ingest(BusDevice, 1, card.Purchase(200, BusTerminal, BusCompany, At(8)));
        var reused = world.Ingest(BusDevice, 1, card.Purchase(300, BusTerminal, BusCompany, At(9)));
        Assert.Equal(FileRefusal.BatchNumberReused, reused.Receipt.Refusal);
        Assert.Equal(4_800, world.Card(card).ShadowBalanceFen);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_UnknownCardTerminalOrMerchant_Rejected(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var stranger = new TestCard(new Asn(0x2144_9999_0000_0001), 1_000);
        var result = world.Ingest(
            BusDevice,
            1,
            stranger.Purchase(100, BusTerminal, BusCompany, At(8)),
            card.Purchase(100, ShopTerminal, BusCompany, At(8)),
            card.Purchase(100, BusTerminal, 999, At(9)));
        Assert.Equal(3, result.Receipt.Totals.Rejected);
        var reasons = world.Database.Store.Read(r => r.RecordsByOutcome(RecordOutcome.Rejected, 10)).Select(s => s.Record.Reason).Order().ToArray();
        Assert.Equal([ReasonCode.UnknownCard, ReasonCode.UnknownTerminal, ReasonCode.UnknownMerchant], reasons);
        Assert.Equal(5_000, world.Card(card).ShadowBalanceFen);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_RecordDatedAfterTheBatchClosed_SuspectFutureDate(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var result = world.Ingest(BusDevice, 1, card.Purchase(100, BusTerminal, BusCompany, At(23)));
        Assert.Equal(1, result.Receipt.Totals.Suspect);
        Assert.Equal([ReasonCode.FutureDate], Outcomes(world, card));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_TaxiCollector_AcceptsItsMetersOnly(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        var result = world.Ingest(
            CollectorDevice,
            1,
            card.Purchase(1_500, MeterTerminal, TaxiCompany, At(8)),
            card.Purchase(900, BusTerminal, TaxiCompany, At(9)));
        Assert.Equal((1, 1), (result.Receipt.Totals.Accepted, result.Receipt.Totals.Rejected));
        Assert.Equal([ReasonCode.Cleared, ReasonCode.UnknownTerminal], Outcomes(world, card));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Ingest_CancelledCard_Rejected(string engine)
    {
        using var world = NewWorld(engine);
        var card = world.SellCard(5_000);
        world.Registry.Cancel(card.Asn);
        var result = world.Ingest(BusDevice, 1, card.Purchase(100, BusTerminal, BusCompany, At(8)));
        Assert.Equal([ReasonCode.CardCancelled], Outcomes(world, card));
        Assert.Equal(1, result.Receipt.Totals.Rejected);
    }

    internal static void AssertAuditOk(World world)
    {
        var audit = world.Database.Store.Read(r => r.Audit());
        Assert.True(audit.Ok, audit.ToText());
    }

    internal static long Figure(Audit.AuditReport report, int invariant, string name) => report.Invariants[invariant - 1].Figures[name];

    private static ReasonCode[] Outcomes(World world, TestCard card) =>
        world.Database.Store.Read(r => r.CardHistory(card.Asn)).Select(s => s.Record.Reason).ToArray();

    private World NewWorld(string engine) => new(TestDatabase.Create(engine, server));
}
