using CityCard.Clearing.Registry;
using CityCard.Security.Ep;
using CsCheck;

namespace CityCard.Clearing.Tests.Registry;

public sealed class CardStorageOrderTests
{
    [Fact]
    public void InStorageOrder_AnyCards_SortedByTheAsnAsASignedNumber_EveryCardKept()
    {
        Gen.ULong.Array[0, 200].Sample(values =>
        {
            var cards = values.Distinct().Select(Card).ToList();

            var ordered = CardAccount.InStorageOrder(cards);

            Assert.Equal(cards.OrderBy(c => unchecked((long)c.Asn.Value)).Select(c => c.Asn), ordered.Select(c => c.Asn));
            Assert.Equal(cards.Count, ordered.Distinct().Count());
        });
    }

    [Fact]
    public void InStorageOrder_AnAsnAbove2To63_ComesFirst_AndSortedInputIsReturnedAsIs()
    {
        var high = Card(0x9000_0000_0000_0001);
        var low = Card(0x0100_0000_0000_0001);
        var lower = Card(0x0000_0000_0000_0001);

        var ordered = CardAccount.InStorageOrder([low, high, lower]);

        Assert.Equal([high.Asn, lower.Asn, low.Asn], ordered.Select(c => c.Asn));
        Assert.Same(ordered, CardAccount.InStorageOrder(ordered));
    }

    private static CardAccount Card(ulong asn) => CardAccount.Register(new Asn(asn), new CityCode(0x2144), 1, 2_000, 1_000, 0, 0, DateTimeOffset.UnixEpoch);
}
