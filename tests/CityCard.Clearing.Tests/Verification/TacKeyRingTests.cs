using CityCard.Clearing.Tests.Support;
using CityCard.Clearing.Verification;
using CityCard.Records;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Verification;

/// <summary>
/// The centre's TAC check (<see cref="TacKeyRing.VerifyTac"/>) against records signed on the card's side (each test card
/// derives its own keys from the demo key set): genuine records verify, altered ones do not, a key version the ring
/// does not hold is told apart, and neither the card-key cache's bound nor many threads change a verdict.
/// </summary>
public sealed class TacKeyRingTests
{
    public static TheoryData<EpAlgorithm> Algorithms => [EpAlgorithm.Des, EpAlgorithm.Sm4];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void VerifyTac_GenuineAndAlteredRecordsOfManyCards_RightVerdicts(EpAlgorithm algorithm)
    {
        var ring = TacKeyRing.Demo();
        foreach (var record in Records(algorithm, cards: 300))
        {
            Assert.True(ring.VerifyTac(record));
            Assert.True(ring.VerifyTac(record));
            Assert.False(ring.VerifyTac(record with { AmountFen = record.AmountFen + 1 }));
            Assert.False(ring.VerifyTac(record with { Asn = new Asn(record.Asn.Value ^ 0x1000) }));
        }

        Assert.Equal(600, ring.CachedCards);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void VerifyTac_KeyVersionNotInTheRing_Null(EpAlgorithm algorithm)
    {
        var ring = new TacKeyRing([DemoKeySet.Create(algorithm)]);
        var record = Records(algorithm, cards: 1).First();
        var otherAlgorithm = algorithm == EpAlgorithm.Des ? EpAlgorithm.Sm4 : EpAlgorithm.Des;

        Assert.Null(ring.VerifyTac(record with { KeyVersion = (byte)(DemoKeySet.KeyVersion + 1) }));
        Assert.Null(ring.VerifyTac(record with { Algorithm = otherAlgorithm }));
        Assert.Null(ring.CardTacKey(otherAlgorithm, DemoKeySet.KeyVersion, DemoKeySet.HomeCity, record.Asn));
        Assert.Equal(0, ring.CachedCards);
    }

    [Fact]
    public void VerifyTac_MoreCardsThanTheCacheHolds_StaysBoundedAndRight()
    {
        var ring = new TacKeyRing([DemoKeySet.Create(EpAlgorithm.Des), DemoKeySet.Create(EpAlgorithm.Sm4)], maxCachedCards: 640);
        var records = Records(EpAlgorithm.Des, cards: 1_500).Concat(Records(EpAlgorithm.Sm4, cards: 1_500)).ToList();

        for (var round = 0; round < 2; round++)
        {
            Assert.All(records, record => Assert.True(ring.VerifyTac(record)));
        }

        Assert.InRange(ring.CachedCards, 1, 640);
    }

    [Fact]
    public void VerifyTac_ManyThreadsBothAlgorithms_SameVerdicts()
    {
        var ring = TacKeyRing.Demo();
        var records = Records(EpAlgorithm.Des, cards: 1_000).Concat(Records(EpAlgorithm.Sm4, cards: 1_000)).ToArray();
        var verdicts = new bool?[records.Length * 2];

        Parallel.For(0, verdicts.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var record = records[i % records.Length];
            verdicts[i] = ring.VerifyTac(i % 3 == 0 ? record with { Tac = record.Tac ^ 1u } : record);
        });

        for (var i = 0; i < verdicts.Length; i++)
        {
            Assert.Equal(i % 3 != 0, verdicts[i]);
        }
    }

    [Fact]
    public void CardTacKey_ShortOutput_RefusedNamingIt()
    {
        var ring = TacKeyRing.Demo();

        var e = Assert.Throws<ArgumentException>(() => ring.CardTacKey(EpAlgorithm.Des, DemoKeySet.KeyVersion, DemoKeySet.HomeCity, new Asn(1), new byte[8]));

        Assert.Contains("tacKey", e.Message, StringComparison.Ordinal);
    }

    // One purchase and one load of each of the first cards, signed by the cards themselves.
    private static IEnumerable<TransactionRecord> Records(EpAlgorithm algorithm, int cards)
    {
        for (var i = 0; i < cards; i++)
        {
            var card = new TestCard(new Asn(0x3100_0000_0100_0000UL + (ulong)i), 10_000, algorithm);
            yield return card.Purchase(100 + i, BusTerminal, BusCompany, At(8));
            yield return card.Load(1_000, OutletTerminal, Outlet, At(9));
        }
    }
}
