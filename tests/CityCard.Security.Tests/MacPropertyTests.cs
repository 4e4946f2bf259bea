using System.Buffers.Binary;
using System.Security.Cryptography;
using CityCard.Security.Ep;
using CityCard.Security.Macs;
using CityCard.Security.Primitives;
using CsCheck;

// The card standards mandate DES and 3DES; the BCL implementations serve here only as an independent reference.
#pragma warning disable CA5350, CA5351

namespace CityCard.Security.Tests;

/// <summary>Properties of the MACs and diversification over thousands of random cases.</summary>
public sealed class MacPropertyTests
{
    private const long Iterations = 3000;
    private static readonly Gen<byte[]> Message = Gen.Byte.Array[0, 64];
    private static readonly Gen<byte[]> Key8 = Gen.Byte.Array[8];
    private static readonly Gen<byte[]> Key16 = Gen.Byte.Array[16];

    [Fact]
    public void MacDes_FlipAnyBit_ChangesMac()
    {
        Gen.Select(Key8, Gen.Byte.Array[1, 64], Gen.Int).Sample((key, data, bitSeed) =>
        {
            var cipher = new DesCipher(key);
            var flipped = FlipBit(data, bitSeed);
            Assert.NotEqual(IsoMac.MacDes(cipher, data), IsoMac.MacDes(cipher, flipped));
        }, iter: Iterations);
    }

    [Fact]
    public void MacSm4_FlipAnyBit_ChangesMac()
    {
        Gen.Select(Key16, Gen.Byte.Array[1, 64], Gen.Int).Sample((key, data, bitSeed) =>
        {
            var cipher = new Sm4Cipher(key);
            Assert.NotEqual(IsoMac.MacSm4(cipher, data), IsoMac.MacSm4(cipher, FlipBit(data, bitSeed)));
        }, iter: Iterations);
    }

    [Fact]
    public void MacRetail_FlipAnyBitOfDataOrIv_ChangesMac()
    {
        Gen.Select(Key16, Key8, Gen.Byte.Array[1, 64], Gen.Int).Sample((key, iv, data, bitSeed) =>
        {
            var mac = IsoMac.MacRetail(key, iv, data);
            Assert.NotEqual(mac, IsoMac.MacRetail(key, iv, FlipBit(data, bitSeed)));
            Assert.NotEqual(mac, IsoMac.MacRetail(key, FlipBit(iv, bitSeed), data));
        }, iter: Iterations);
    }

    [Fact]
    public void TransactionMacs_FlipAnyBitOfAnyField_ChangesMac()
    {
        // MAC1/MAC2/TAC inputs are built from fields; a change to any field must change the MAC.
        Gen.Select(Key16, Gen.UInt, Gen.ULong[0, 0xFFFF_FFFF_FFFF], Gen.UInt).Sample((key, amount, terminal, ttsn) =>
        {
            var tacKey = EpKey.Create(EpAlgorithm.Des, key).TacKey();
            var when = new BcdDateTime(new DateTime(2026, 11, 25, 8, 30, 0));
            var tac = EpMacs.PurchaseTac(tacKey, amount, TransactionType.Purchase, new TerminalId(terminal), ttsn, when);
            Assert.NotEqual(tac, EpMacs.PurchaseTac(tacKey, amount ^ 1, TransactionType.Purchase, new TerminalId(terminal), ttsn, when));
            Assert.NotEqual(tac, EpMacs.PurchaseTac(tacKey, amount, TransactionType.CappPurchase, new TerminalId(terminal), ttsn, when));
            Assert.NotEqual(tac, EpMacs.PurchaseTac(tacKey, amount, TransactionType.Purchase, new TerminalId(terminal ^ 0x800000000000), ttsn, when));
            Assert.NotEqual(tac, EpMacs.PurchaseTac(tacKey, amount, TransactionType.Purchase, new TerminalId(terminal), ttsn ^ 0x10000, when));
            Assert.NotEqual(tac, EpMacs.PurchaseTac(tacKey, amount, TransactionType.Purchase, new TerminalId(terminal), ttsn, new BcdDateTime(when.Value.AddSeconds(1))));
        }, iter: Iterations);
    }

    [Fact]
    public void MacRetail_EqualKeyHalves_EqualsMacDesWithSameIv()
    {
        Gen.Select(Key8, Key8, Message).Sample((half, iv, data) =>
        {
            var key = half.Concat(half).ToArray();
            var last = new byte[8];
            IsoMac.CbcDesLastBlock(new DesCipher(half), iv, data, last);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(last), IsoMac.MacRetail(key, iv, data));
        }, iter: Iterations);
    }

    [Fact]
    public void MacDes_AgreesWithBclDesCbcOverPaddedData()
    {
        // An independent implementation: the BCL's DES in CBC mode over explicitly padded data.
        Gen.Select(Key8, Message).Sample((key, data) =>
        {
            using var bcl = DES.Create();
            if (DES.IsWeakKey(key) || DES.IsSemiWeakKey(key))
            {
                return;
            }

            bcl.Key = key;
            var padded = Pad(data, 8);
            var cbc = bcl.EncryptCbc(padded, new byte[8], PaddingMode.None);
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(cbc.AsSpan(cbc.Length - 8)), IsoMac.MacDes(new DesCipher(key), data));
        }, iter: Iterations);
    }

    [Fact]
    public void Diversify_AgreesWithBclTripleDes_AndTwoLevelsEqualsTwice()
    {
        Gen.Select(Key16, Key8, Key8).Sample((master, high, card) =>
        {
            using var bcl = TripleDES.Create();
            if (master.AsSpan(0, 8).SequenceEqual(master.AsSpan(8, 8)))
            {
                return;
            }

            bcl.Key = [.. master, .. master.AsSpan(0, 8)];
            var notHigh = high.Select(b => unchecked((byte)~b)).ToArray();
            var expected = bcl.EncryptEcb([.. high, .. notHigh], PaddingMode.None);
            var once = EpKey.Create(EpAlgorithm.Des, master).Diversify(high);
            Assert.Equal(expected, once.ExportBytes());
            var twice = once.Diversify(card);
            Assert.Equal(twice.ExportBytes(), EpKey.Create(EpAlgorithm.Des, master).Diversify(high, card).ExportBytes());
        }, iter: Iterations);
    }

    [Fact]
    public void MacSm4_AgreesWithReferenceLoop()
    {
        Gen.Select(Key16, Message).Sample((key, data) =>
        {
            var cipher = new Sm4Cipher(key);
            var padded = Pad(data, 16);
            var state = new byte[16];
            for (var i = 0; i < padded.Length; i += 16)
            {
                for (var j = 0; j < 16; j++)
                {
                    state[j] ^= padded[i + j];
                }

                cipher.Encrypt(state, state);
            }

            var expected = BinaryPrimitives.ReadUInt32BigEndian(state) ^ BinaryPrimitives.ReadUInt32BigEndian(state.AsSpan(8));
            Assert.Equal(expected, IsoMac.MacSm4(cipher, data));
        }, iter: Iterations);
    }

    [Theory]
    [InlineData(EpAlgorithm.Des)]
    [InlineData(EpAlgorithm.Sm4)]
    public void WrongLengths_AreRejectedWithArgumentName(EpAlgorithm algorithm)
    {
        Gen.Int[0, 40].Where(n => n != 16).Sample(length =>
        {
            var e = Assert.Throws<ArgumentException>(() => EpKey.Create(algorithm, new byte[length]));
            Assert.Contains("key", e.Message, StringComparison.Ordinal);
        });
        var key = EpKey.Create(algorithm, new byte[16]);
        Gen.Int[0, 20].Where(n => n != 8).Sample(length =>
        {
            Assert.Contains("factor", Assert.Throws<ArgumentException>(() => key.Diversify(new byte[length])).Message, StringComparison.Ordinal);
            Assert.Contains("input", Assert.Throws<ArgumentException>(() => key.SessionKey(new byte[length])).Message, StringComparison.Ordinal);
        });
        var macLength = algorithm == EpAlgorithm.Des ? 8 : 16;
        Gen.Int[0, 40].Where(n => n != macLength).Sample(length =>
            Assert.Throws<ArgumentException>(() => MacKey.Create(algorithm, new byte[length])));
    }

    [Fact]
    public void Ciphers_SharedAcrossThreads_GiveTheSameResults()
    {
        // Prepared keys are cached per card and used by many threads in the clearing centre.
        var des = new DesCipher(Convert.FromHexString("0123456789ABCDEF"));
        var tdes = new TripleDesCipher(Convert.FromHexString("000102030405060708090A0B0C0D0E0F"));
        var sm4 = new Sm4Cipher(Convert.FromHexString("000102030405060708090A0B0C0D0E0F"));
        static byte[] Block(int i, int size) => Enumerable.Range(0, size).Select(j => unchecked((byte)(i * 31 + j))).ToArray();
        byte[][] Run()
        {
            var results = new byte[4000][];
            Parallel.For(0, results.Length, i =>
            {
                var output = new byte[32];
                des.Encrypt(Block(i, 8), output.AsSpan(0, 8));
                tdes.Encrypt(Block(i, 8), output.AsSpan(8, 8));
                sm4.Encrypt(Block(i, 16), output.AsSpan(16, 16));
                results[i] = output;
            });
            return results;
        }

        var first = Run();
        var second = Run();
        for (var i = 0; i < first.Length; i++)
        {
            Assert.Equal(first[i], second[i]);
        }
    }

    private static byte[] FlipBit(byte[] data, int seed)
    {
        var copy = (byte[])data.Clone();
        var bit = (int)(unchecked((uint)seed) % (uint)(data.Length * 8));
        copy[bit / 8] ^= (byte)(1 << (bit % 8));
        return copy;
    }

    private static byte[] Pad(byte[] data, int block)
    {
        var length = ((data.Length / block) + 1) * block;
        var padded = new byte[length];
        data.CopyTo(padded, 0);
        padded[data.Length] = 0x80;
        return padded;
    }
}
