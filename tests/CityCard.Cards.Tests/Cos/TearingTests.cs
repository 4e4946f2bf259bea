using CityCard.Cards.Apdu;
using CityCard.Cards.Chip;
using CityCard.Cards.Cos;
using CityCard.Cards.Transactions;
using CityCard.Security.Ep;
using static CityCard.Cards.Tests.Support.T;

namespace CityCard.Cards.Tests.Cos;

/// <summary>
/// Power cuts at every write step of purchase, composite purchase and load (before, inside and after each write): at the
/// next power-on the card shows the old or the new state, never a mix, and GET TRANSACTION PROVE agrees with it.
/// </summary>
public sealed class TearingTests
{
    public enum Flow
    {
        Purchase,
        CappPurchase,
        Load,
    }

    [Theory]
    [InlineData(Flow.Purchase, EpAlgorithm.Des, 9)]
    [InlineData(Flow.Purchase, EpAlgorithm.Sm4, 9)]
    [InlineData(Flow.CappPurchase, EpAlgorithm.Des, 11)]
    [InlineData(Flow.CappPurchase, EpAlgorithm.Sm4, 11)]
    [InlineData(Flow.Load, EpAlgorithm.Des, 9)]
    [InlineData(Flow.Load, EpAlgorithm.Sm4, 9)]
    public void PowerCut_AtEveryWriteStep_OldOrNewStateAndProveAgrees(Flow flow, EpAlgorithm algorithm, int expectedWrites)
    {
        var template = FundedCard(algorithm).ToImage();
        var recorder = new WriteRecorder();
        var reference = Clone(template);
        var oldState = reference.DataRegionSnapshot();
        reference.TearingHook = recorder;
        var completed = new Runner(flow).Run(reference);
        Assert.True(completed.Completed);
        var newState = reference.DataRegionSnapshot();
        Assert.Equal(expectedWrites, recorder.WriteLengths.Count);

        var outcomes = new HashSet<bool>();
        for (var step = 0; step < recorder.WriteLengths.Count; step++)
        {
            var length = recorder.WriteLengths[step];
            foreach (var kept in new[] { 0, length / 2, length }.Distinct())
            {
                var card = Clone(template);
                var runner = new Runner(flow);
                card.TearingHook = PowerCut.DuringStep(step, kept);

                var torn = runner.Run(card);

                Assert.True(torn.Interrupted, $"step {step}, {kept} bytes: expected an interrupted exchange");
                Assert.False(card.IsPowered);
                Assert.Throws<CardLostException>(() => card.Transmit(CardCommands.GetBalance()));
                var reloaded = SoftCard.FromImage(card.ToImage());
                card.TearingHook = null;
                card.PowerOn();
                var state = card.DataRegionSnapshot();
                Assert.Equal(state, reloaded.DataRegionSnapshot());
                var isNew = state.AsSpan().SequenceEqual(newState);
                Assert.True(isNew || state.AsSpan().SequenceEqual(oldState), $"step {step}, {kept} bytes: a mix of old and new state");
                outcomes.Add(isNew);

                var recovered = runner.Recover(card);
                Assert.Equal(isNew, recovered.Completed);
                Assert.Equal(!isNew, recovered.NotDone);
                if (isNew)
                {
                    Assert.Equal(completed.Tac, recovered.Tac);
                }
            }
        }

        Assert.Equal([false, true], outcomes.Order());
    }

    [Theory]
    [InlineData(Flow.Purchase)]
    [InlineData(Flow.CappPurchase)]
    [InlineData(Flow.Load)]
    public void PowerCut_DuringRecovery_NextPowerOnFinishesTheCommit(Flow flow)
    {
        var template = FundedCard().ToImage();
        var reference = Clone(template);
        var completed = new Runner(flow).Run(reference);
        var newState = reference.DataRegionSnapshot();
        var commitPoint = (flow == Flow.CappPurchase ? 4 : 3) + 1;
        var recoveryWrites = commitPoint;

        for (var step = 0; step < recoveryWrites; step++)
        {
            var card = Clone(template);
            card.TearingHook = PowerCut.AfterStep(commitPoint);
            Assert.True(new Runner(flow).Run(card).Interrupted);

            card.TearingHook = PowerCut.DuringStep(step, 1);
            Assert.Throws<PowerLossException>(card.PowerOn);
            Assert.False(card.IsPowered);
            card.TearingHook = null;
            card.PowerOn();

            Assert.Equal(newState, card.DataRegionSnapshot());
        }

        Assert.True(completed.Completed);
    }

    [Fact]
    public void PowerCut_InPinVerify_TryIsCountedOrNotButCardStaysConsistent()
    {
        var card = NewCard();
        card.Transmit(CardCommands.SelectApplication());
        card.TearingHook = PowerCut.AfterStep(0);

        Assert.Throws<PowerLossException>(() => card.Transmit(H("0020000003000000")));
        card.PowerOn();

        Assert.Equal(2, card.PinTriesRemaining);
    }

    private static SoftCard Clone(byte[] image) =>
        SoftCard.FromImage(image, new SoftCardOptions { Random = new SeededRandomSource(99) });

    private readonly record struct Attempt(bool Completed, bool Interrupted, bool NotDone, uint? Tac);

    /// <summary>One flow with its own PSAM or authority, so a torn exchange can be recovered by the same terminal.</summary>
    private sealed class Runner(Flow flow)
    {
        private readonly PurchaseExchange purchases = new(NewPsam());
        private readonly LoadExchange loads = Loader(EpAlgorithm.Des);
        private PurchaseResult? purchase;
        private LoadResult? load;

        public Attempt Run(SoftCard card)
        {
            switch (flow)
            {
                case Flow.Load:
                    load = (card.Algorithm == EpAlgorithm.Des ? loads : Loader(EpAlgorithm.Sm4)).Load(card, 777);
                    return new(load.IsCompleted, load.Outcome == LoadOutcome.Interrupted, false, load.Record?.Tac);
                case Flow.CappPurchase:
                    purchase = purchases.CappPurchase(card, 123, Noon, new CappRecordUpdate(3, CappData(0x33)));
                    break;
                default:
                    purchase = purchases.Purchase(card, 123, Noon);
                    break;
            }

            return new(purchase.IsCompleted, purchase.Outcome == PurchaseOutcome.Interrupted, false, purchase.Record?.Tac);
        }

        public Attempt Recover(SoftCard card)
        {
            if (flow == Flow.Load)
            {
                var loader = card.Algorithm == EpAlgorithm.Des ? loads : Loader(EpAlgorithm.Sm4);
                var result = loader.Recover(card, load!.Request!, load.Authorization!);
                return new(result.IsCompleted, false, result.Outcome == LoadOutcome.NotCredited, result.Record?.Tac);
            }

            var recovered = purchases.Recover(card, purchase!.Transaction!);
            return new(recovered.IsCompleted, false, recovered.Outcome == PurchaseOutcome.NotDebited, recovered.Record?.Tac);
        }
    }
}
