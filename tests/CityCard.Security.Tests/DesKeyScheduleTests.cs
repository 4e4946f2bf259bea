using CityCard.Security.Primitives;
using CsCheck;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace CityCard.Security.Tests;

/// <summary>The table-driven DES key schedule equals the engine's own, for both directions and for 3DES.</summary>
public sealed class DesKeyScheduleTests
{
    [Fact]
    public void FastSchedule_IsActive()
    {
        // If an engine update broke the tables, everything still works through the slow path, but we want to know.
        Assert.True(DesKeySchedule.IsFast);
    }

    [Fact]
    public void FastSchedule_EncryptsAndDecryptsLikeTheEngine()
    {
        Gen.Select(Gen.Byte.Array[8], Gen.Byte.Array[8]).Sample((key, block) =>
        {
            var reference = new DesEngine();
            reference.Init(true, new KeyParameter(key));
            var expected = new byte[8];
            reference.ProcessBlock(block, expected);
            var actual = new byte[8];
            var cipher = new DesCipher(key);
            cipher.Encrypt(block, actual);
            Assert.Equal(expected, actual);
            cipher.Decrypt(actual, actual);
            Assert.Equal(block, actual);
        }, iter: 2000);
    }

    [Fact]
    public void FastSchedule_TripleDesMatchesTheEngine()
    {
        Gen.Select(Gen.Byte.Array[16], Gen.Byte.Array[8]).Sample((key, block) =>
        {
            var reference = new DesEdeEngine();
            reference.Init(true, new KeyParameter(key));
            var expected = new byte[8];
            reference.ProcessBlock(block, expected);
            var actual = new byte[8];
            new TripleDesCipher(key).Encrypt(block, actual);
            Assert.Equal(expected, actual);
        }, iter: 2000);
    }
}
