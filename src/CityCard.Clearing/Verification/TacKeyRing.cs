using System.Buffers.Binary;
using System.Collections.Concurrent;
using CityCard.Records;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Clearing.Verification;

/// <summary>
/// The issuer TAC master keys by (algorithm, key version), with two caches: the city-level key
/// <c>Div(MTK, city ‖ FF0000000000)</c> per city, and each card's TAC key bytes. A city has millions of cards, so a card's
/// key is cached as its 8 or 16 bytes in tables of plain values (no object per card for the collector to trace), and a
/// TAC is computed with one reusable MAC key per thread. Card keys are bounded: a shard of the cache is emptied when it
/// reaches its share of <see cref="MaxCachedCards"/>. Thread-safe.
/// </summary>
public sealed class TacKeyRing
{
    /// <summary>Most card TAC keys kept.</summary>
    public const int MaxCachedCards = 2_000_000;

    // Verifying threads look keys up at once; one lock per shard keeps them from waiting for each other.
    private const int Shards = 64;

    private readonly Dictionary<(EpAlgorithm, byte), EpKey> masters = [];
    private readonly ConcurrentDictionary<(EpAlgorithm, byte, ushort), EpKey> cityKeys = new();
    private readonly Shard[] shards = Enumerable.Range(0, Shards).Select(_ => new Shard()).ToArray();

    [ThreadStatic]
    private static ReusableMacKey? desMac;

    [ThreadStatic]
    private static ReusableMacKey? sm4Mac;

    private readonly int maxPerShard;

    /// <summary>Creates a ring from issuer key sets (at most one per algorithm and key version).</summary>
    public TacKeyRing(IEnumerable<IssuerKeySet> keySets)
        : this(keySets, MaxCachedCards)
    {
    }

    // With a smaller bound, for tests of the bound.
    internal TacKeyRing(IEnumerable<IssuerKeySet> keySets, int maxCachedCards)
    {
        ArgumentNullException.ThrowIfNull(keySets);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCachedCards, Shards);
        maxPerShard = maxCachedCards / Shards;
        foreach (var set in keySets)
        {
            if (!masters.TryAdd((set.Algorithm, set.KeyVersion), set.Master(KeyRole.Tac)))
            {
                throw new ArgumentException($"key ring: two key sets for {set.Algorithm.Name()} version {set.KeyVersion}", nameof(keySets));
            }
        }
    }

    /// <summary>The ring of the public demo key sets (DES and SM4, version 01). For tests and demos only.</summary>
    public static TacKeyRing Demo() => new([DemoKeySet.Create(EpAlgorithm.Des), DemoKeySet.Create(EpAlgorithm.Sm4)]);

    /// <summary>How many card TAC keys are cached now.</summary>
    public int CachedCards
    {
        get
        {
            var count = 0;
            foreach (var shard in shards)
            {
                lock (shard.Gate)
                {
                    count += shard.Keys.Count;
                }
            }

            return count;
        }
    }

    /// <summary>
    /// Whether the record's TAC verifies under its card's TAC key, or null when the ring has no master key for the
    /// record's algorithm and key version. Allocates nothing once the thread has verified a record of the algorithm.
    /// </summary>
    public bool? VerifyTac(TransactionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Span<byte> key = stackalloc byte[EpKey.Length];
        var length = CardTacKey(record.Algorithm, record.KeyVersion, record.CityCode, record.Asn, key);
        if (length == 0)
        {
            return null;
        }

        var mac = record.Algorithm == EpAlgorithm.Des ? desMac ??= new ReusableMacKey(EpAlgorithm.Des) : sm4Mac ??= new ReusableMacKey(EpAlgorithm.Sm4);
        mac.SetKey(key[..length]);
        key.Clear();
        return record.ComputeTac(mac) == record.Tac;
    }

    /// <summary>The TAC key of a card as a key object, or null when the ring has no master key for the algorithm and version.</summary>
    public MacKey? CardTacKey(EpAlgorithm algorithm, byte keyVersion, CityCode city, Asn asn)
    {
        Span<byte> key = stackalloc byte[EpKey.Length];
        var length = CardTacKey(algorithm, keyVersion, city, asn, key);
        var result = length == 0 ? null : MacKey.Create(algorithm, key[..length]);
        key.Clear();
        return result;
    }

    /// <summary>
    /// Writes a card's TAC key bytes into <paramref name="tacKey"/> (room for 16) and returns their length (8 for DES,
    /// 16 for SM4), or returns 0 when the ring has no master key for the algorithm and version.
    /// </summary>
    public int CardTacKey(EpAlgorithm algorithm, byte keyVersion, CityCode city, Asn asn, Span<byte> tacKey)
    {
        if (tacKey.Length < EpKey.Length)
        {
            throw new ArgumentException($"{nameof(tacKey)}: needs room for {EpKey.Length} bytes, has {tacKey.Length}", nameof(tacKey));
        }

        var slot = (algorithm, keyVersion, city.Value, asn.Value);
        var shard = shards[(int)(unchecked(asn.Value * 0x9E37_79B9_7F4A_7C15UL) >> 58)];
        UInt128 cached;
        bool found;
        lock (shard.Gate)
        {
            found = shard.Keys.TryGetValue(slot, out cached);
        }

        if (found)
        {
            BinaryPrimitives.WriteUInt128BigEndian(tacKey, cached);
            return MacKey.KeyLengthOf(algorithm);
        }

        if (!masters.TryGetValue((algorithm, keyVersion), out var master))
        {
            return 0;
        }

        // No closure: a lambda capturing the master key would be allocated on every call, cached or not.
        var cityKey = cityKeys.GetOrAdd((algorithm, keyVersion, city.Value), static (slot, master) => master.Diversify(new CityCode(slot.Item3).DiversificationFactor()), master);
        Span<byte> factor = stackalloc byte[Asn.Length];
        asn.WriteTo(factor);
        var length = cityKey.DeriveTacKey(factor, tacKey);
        tacKey[length..EpKey.Length].Clear();
        var value = BinaryPrimitives.ReadUInt128BigEndian(tacKey);
        lock (shard.Gate)
        {
            if (shard.Keys.Count >= maxPerShard)
            {
                shard.Keys.Clear();
            }

            shard.Keys[slot] = value;
        }

        return length;
    }

    private sealed class Shard
    {
        public Lock Gate { get; } = new();

        public Dictionary<(EpAlgorithm, byte, ushort, ulong), UInt128> Keys { get; } = [];
    }
}
