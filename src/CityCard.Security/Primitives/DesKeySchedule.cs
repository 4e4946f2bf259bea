using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace CityCard.Security.Primitives;

/// <summary>
/// Fast DES key schedules for the block engines. The DES key schedule only selects and moves key bits (PC-1, rotations,
/// PC-2, and the engine's own rearrangement of the subkeys), so the 32-word working key is linear over GF(2) in the
/// 64 key bits: WK(a ⊕ b) = WK(a) ⊕ WK(b). At start-up this class asks the engine for the working key of every single-bit
/// key and folds them into per-nibble tables; a schedule is then the XOR of 16 table rows (tens of nanoseconds instead of
/// about two microseconds). That matters where a card key is derived per record (TAC verification in clearing).
/// The tables are checked against the engine's own schedule at start-up; if they ever disagree (a changed engine), every
/// key falls back to the engine's own Init.
/// </summary>
internal static class DesKeySchedule
{
    private const int Words = 32;
    private static readonly int[] EncryptTable = BuildTable(encrypting: true);
    private static readonly int[] DecryptTable = BuildTable(encrypting: false);
    private static readonly bool Enabled = SelfCheck();

    /// <summary>True when the table-driven schedule passed its start-up check and is in use.</summary>
    public static bool IsFast => Enabled;

    /// <summary>A DES engine ready for one direction with the given 8-byte key.</summary>
    public static DesEngine Create(ReadOnlySpan<byte> key, bool encrypting)
    {
        var engine = new DesEngine();
        if (Enabled)
        {
            WorkingKey(engine) = Schedule(key, encrypting);
        }
        else
        {
            engine.Init(encrypting, new KeyParameter(key));
        }

        return engine;
    }

    /// <summary>A two-key 3DES (EDE) engine for encryption with the 16-byte key K1 ‖ K2.</summary>
    public static DesEdeEngine CreateEde(ReadOnlySpan<byte> key)
    {
        var engine = new DesEdeEngine();
        if (Enabled)
        {
            var k1 = Schedule(key[..8], encrypting: true);
            EdeKey1(engine) = k1;
            EdeKey2(engine) = Schedule(key[8..16], encrypting: false);
            EdeKey3(engine) = k1;
            EdeForEncryption(engine) = true;
        }
        else
        {
            engine.Init(true, new KeyParameter(key));
        }

        return engine;
    }

    /// <summary>Gives an engine made by <see cref="Create"/> a new key, reusing its working-key array.</summary>
    public static void Rekey(DesEngine engine, ReadOnlySpan<byte> key, bool encrypting)
    {
        if (Enabled && WorkingKey(engine) is { Length: Words } existing)
        {
            Schedule(key, encrypting, existing);
        }
        else
        {
            engine.Init(encrypting, new KeyParameter(key));
        }
    }

    private static int[] Schedule(ReadOnlySpan<byte> key, bool encrypting)
    {
        var result = new int[Words];
        Schedule(key, encrypting, result);
        return result;
    }

    private static void Schedule(ReadOnlySpan<byte> key, bool encrypting, int[] result)
    {
        var table = encrypting ? EncryptTable : DecryptTable;
        var bits = BinaryPrimitives.ReadUInt64BigEndian(key);
        var acc0 = Vector256<int>.Zero;
        var acc1 = Vector256<int>.Zero;
        var acc2 = Vector256<int>.Zero;
        var acc3 = Vector256<int>.Zero;
        ref var start = ref table[0];
        for (var nibble = 0; nibble < 16; nibble++)
        {
            var value = (int)((bits >> (60 - (4 * nibble))) & 0xF);
            ref var row = ref Unsafe.Add(ref start, ((nibble * 16) + value) * Words);
            acc0 ^= Vector256.LoadUnsafe(ref row);
            acc1 ^= Vector256.LoadUnsafe(ref Unsafe.Add(ref row, 8));
            acc2 ^= Vector256.LoadUnsafe(ref Unsafe.Add(ref row, 16));
            acc3 ^= Vector256.LoadUnsafe(ref Unsafe.Add(ref row, 24));
        }

        acc0.CopyTo(result.AsSpan(0));
        acc1.CopyTo(result.AsSpan(8));
        acc2.CopyTo(result.AsSpan(16));
        acc3.CopyTo(result.AsSpan(24));
    }

    private static int[] BuildTable(bool encrypting)
    {
        // basis[b] = working key of the key whose only set bit is b (bit 63 = first key byte's top bit).
        var basis = new int[64][];
        for (var bit = 0; bit < 64; bit++)
        {
            var key = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(key, 1UL << bit);
            var engine = new DesEngine();
            engine.Init(encrypting, new KeyParameter(key));
            basis[bit] = WorkingKey(engine);
        }

        var table = new int[16 * 16 * Words];
        for (var nibble = 0; nibble < 16; nibble++)
        {
            for (var value = 0; value < 16; value++)
            {
                var row = table.AsSpan(((nibble * 16) + value) * Words, Words);
                for (var b = 0; b < 4; b++)
                {
                    if ((value & (1 << b)) == 0)
                    {
                        continue;
                    }

                    var keyBit = 60 - (4 * nibble) + b;
                    for (var w = 0; w < Words; w++)
                    {
                        row[w] ^= basis[keyBit][w];
                    }
                }
            }
        }

        return table;
    }

    private static bool SelfCheck()
    {
        try
        {
            var random = new Random(20261125);
            var key = new byte[8];
            for (var i = 0; i < 64; i++)
            {
                random.NextBytes(key);
                foreach (var encrypting in new[] { true, false })
                {
                    var reference = new DesEngine();
                    reference.Init(encrypting, new KeyParameter(key));
                    if (!WorkingKey(reference).AsSpan().SequenceEqual(Schedule(key, encrypting)))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
        catch (MissingFieldException)
        {
            return false;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "workingKey")]
    private static extern ref int[] WorkingKey(DesEngine engine);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "workingKey1")]
    private static extern ref int[] EdeKey1(DesEdeEngine engine);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "workingKey2")]
    private static extern ref int[] EdeKey2(DesEdeEngine engine);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "workingKey3")]
    private static extern ref int[] EdeKey3(DesEdeEngine engine);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "forEncryption")]
    private static extern ref bool EdeForEncryption(DesEdeEngine engine);
}
