using System.Buffers.Binary;
using CityCard.Security.Primitives;

namespace CityCard.Security.Macs;

/// <summary>
/// ISO/IEC 9797-1 CBC-MACs as used by PBOC ED/EP cards (STANDARDS.md §2.4, §2.8, §6.1) and the CityCard SM4 profile (§0).
/// Padding is always method 2: append <c>80</c>, then <c>00</c> up to a whole block; an aligned input gets a whole extra block.
/// Nothing here allocates; inputs of any length are accepted.
/// </summary>
public static class IsoMac
{
    /// <summary>MAC_DES: algorithm 1 with single DES, IV = 0; left 4 bytes of the last block (MAC1, MAC2, TAC).</summary>
    public static uint MacDes(DesCipher key, ReadOnlySpan<byte> data)
    {
        Span<byte> last = stackalloc byte[8];
        CbcDesLastBlock(key, default, data, last);
        return BinaryPrimitives.ReadUInt32BigEndian(last);
    }

    /// <summary>The full 8-byte last CBC block of algorithm 1 (for checking published vectors that show all 8 bytes).</summary>
    public static void CbcDesLastBlock(DesCipher key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> data, Span<byte> lastBlock)
    {
        if (!iv.IsEmpty && iv.Length != 8)
        {
            throw new ArgumentException($"{nameof(iv)}: expected 8 bytes, got {iv.Length}", nameof(iv));
        }

        if (lastBlock.Length < 8)
        {
            throw new ArgumentException($"{nameof(lastBlock)}: needs room for 8 bytes", nameof(lastBlock));
        }

        var state = lastBlock[..8];
        if (iv.IsEmpty)
        {
            state.Clear();
        }
        else
        {
            iv.CopyTo(state);
        }

        var fullBlocks = data.Length / 8;
        for (var i = 0; i < fullBlocks; i++)
        {
            Xor8(state, data.Slice(i * 8, 8));
            key.Encrypt(state, state);
        }

        var tail = data[(fullBlocks * 8)..];
        for (var j = 0; j < tail.Length; j++)
        {
            state[j] ^= tail[j];
        }

        state[tail.Length] ^= 0x80;
        key.Encrypt(state, state);
    }

    /// <summary>
    /// MAC_RETAIL: algorithm 3 ("retail MAC") with a two-key 3DES key: DES-CBC under K1 with the given IV, then the last block
    /// is decrypted under K2 and encrypted under K1; left 4 bytes. Used for line protection (APPLICATION BLOCK, UNBLOCK).
    /// </summary>
    public static uint MacRetail(ReadOnlySpan<byte> key16, ReadOnlySpan<byte> iv8, ReadOnlySpan<byte> data)
    {
        KeyGuard.RequireLength(key16, 16, "key");
        var k1 = new DesCipher(key16[..8]);
        var k2 = new DesCipher(key16[8..]);
        return MacRetail(k1, k2, iv8, data);
    }

    /// <summary>MAC_RETAIL with prepared key halves.</summary>
    public static uint MacRetail(DesCipher k1, DesCipher k2, ReadOnlySpan<byte> iv8, ReadOnlySpan<byte> data)
    {
        Span<byte> block = stackalloc byte[8];
        RetailLastBlock(k1, k2, iv8, data, block);
        return BinaryPrimitives.ReadUInt32BigEndian(block);
    }

    /// <summary>The full 8-byte output of MAC_RETAIL.</summary>
    public static void RetailLastBlock(DesCipher k1, DesCipher k2, ReadOnlySpan<byte> iv8, ReadOnlySpan<byte> data, Span<byte> output)
    {
        if (iv8.Length != 8)
        {
            throw new ArgumentException($"iv: expected 8 bytes, got {iv8.Length}", nameof(iv8));
        }

        CbcDesLastBlock(k1, iv8, data, output);
        k2.Decrypt(output[..8], output[..8]);
        k1.Encrypt(output[..8], output[..8]);
    }

    /// <summary>
    /// MAC_SM4 (CityCard SM4 profile, STANDARDS.md §0): pad to 16, SM4-CBC with IV = 0, last block, XOR of its two halves, left 4 bytes.
    /// </summary>
    public static uint MacSm4(Sm4Cipher key, ReadOnlySpan<byte> data)
    {
        Span<byte> state = stackalloc byte[16];
        state.Clear();
        var fullBlocks = data.Length / 16;
        for (var i = 0; i < fullBlocks; i++)
        {
            Xor8(state[..8], data.Slice(i * 16, 8));
            Xor8(state[8..], data.Slice((i * 16) + 8, 8));
            key.Encrypt(state, state);
        }

        var tail = data[(fullBlocks * 16)..];
        for (var j = 0; j < tail.Length; j++)
        {
            state[j] ^= tail[j];
        }

        state[tail.Length] ^= 0x80;
        key.Encrypt(state, state);
        var left = BinaryPrimitives.ReadUInt64BigEndian(state) ^ BinaryPrimitives.ReadUInt64BigEndian(state[8..]);
        return (uint)(left >> 32);
    }

    private static void Xor8(Span<byte> state, ReadOnlySpan<byte> block)
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(state) ^ BinaryPrimitives.ReadUInt64LittleEndian(block);
        BinaryPrimitives.WriteUInt64LittleEndian(state, value);
    }
}
