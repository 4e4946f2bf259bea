using CityCard.Security.Ep;

namespace CityCard.Security.Tests;

/// <summary>
/// The allocation-free path clearing uses for TACs: a card's TAC key bytes derived straight from the city-level key, and
/// one reusable MAC key per thread that takes each card's key in turn. Both must agree with the object path
/// (<see cref="EpKey.Diversify(ReadOnlySpan{byte})"/>, <see cref="EpKey.TacKey"/>, <see cref="MacKey.Create"/>) for
/// every key, also after many changes of key on one object.
/// </summary>
public sealed class ReusableKeyTests
{
    public static TheoryData<EpAlgorithm> Algorithms => [EpAlgorithm.Des, EpAlgorithm.Sm4];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void DeriveTacKey_RandomKeysAndCards_SameBytesAsDiversifiedTacKey(EpAlgorithm algorithm)
    {
        var random = new Random(20261126);
        var keyBytes = new byte[EpKey.Length];
        var factor = new byte[8];
        Span<byte> derived = stackalloc byte[16];
        for (var i = 0; i < 200; i++)
        {
            random.NextBytes(keyBytes);
            random.NextBytes(factor);
            var cityKey = EpKey.Create(algorithm, keyBytes);

            var length = cityKey.DeriveTacKey(factor, derived);

            Assert.Equal(cityKey.Diversify(factor).TacKey().ExportBytes(), derived[..length].ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void ReusableMacKey_KeyChangedManyTimes_SameMacsAsAFreshKey(EpAlgorithm algorithm)
    {
        var random = new Random(7);
        var reusable = new ReusableMacKey(algorithm);
        var key = new byte[reusable.KeyLength];
        for (var i = 0; i < 300; i++)
        {
            random.NextBytes(key);
            var data = new byte[random.Next(0, 40)];
            random.NextBytes(data);

            reusable.SetKey(key);

            var fresh = MacKey.Create(algorithm, key);
            Assert.Equal(fresh.Compute(data), reusable.Compute(data));
            Assert.Equal(fresh.ExportBytes(), reusable.ExportBytes());
            Assert.Equal(algorithm, reusable.Algorithm);
        }
    }

    [Theory]
    [InlineData(EpAlgorithm.Des, 16)]
    [InlineData(EpAlgorithm.Sm4, 8)]
    public void ReusableMacKey_WrongKeyLength_RefusedNamingIt(EpAlgorithm algorithm, int length)
    {
        var reusable = new ReusableMacKey(algorithm);

        var e = Assert.Throws<ArgumentException>(() => reusable.SetKey(new byte[length]));

        Assert.Equal("key", e.ParamName);
        Assert.Contains($"got {length}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeriveTacKey_ShortFactorOrOutput_Refused()
    {
        var cityKey = EpKey.Create(EpAlgorithm.Sm4, new byte[EpKey.Length]);

        Assert.Equal("cardFactor", Assert.Throws<ArgumentException>(() => cityKey.DeriveTacKey(new byte[7], new byte[16])).ParamName);
        Assert.Equal("tacKey", Assert.Throws<ArgumentException>(() => cityKey.DeriveTacKey(new byte[8], new byte[15])).ParamName);
    }
}
