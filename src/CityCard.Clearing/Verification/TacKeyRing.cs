using System.Collections.Concurrent;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Clearing.Verification;

/// <summary>
/// The issuer TAC master keys by (algorithm, key version), with two caches: the city-level key
/// <c>Div(MTK, city ‖ FF0000000000)</c> per city, and each card's prepared TAC key. Card keys are bounded: the cache is
/// emptied when it reaches <see cref="MaxCachedCards"/> entries. Thread-safe.
/// </summary>
public sealed class TacKeyRing
{
    /// <summary>Most card TAC keys kept.</summary>
    public const int MaxCachedCards = 2_000_000;

    private readonly Dictionary<(EpAlgorithm, byte), EpKey> masters = [];
    private readonly ConcurrentDictionary<(EpAlgorithm, byte, ushort), EpKey> cityKeys = new();
    private readonly ConcurrentDictionary<(EpAlgorithm, byte, ushort, ulong), MacKey> cardKeys = new();

    // Cards added since the cache was last emptied. ConcurrentDictionary.Count takes every bucket lock, which made each
    // new card's key a point where all verifying threads waited for each other.
    private int added;

    /// <summary>Creates a ring from issuer key sets (at most one per algorithm and key version).</summary>
    public TacKeyRing(IEnumerable<IssuerKeySet> keySets)
    {
        ArgumentNullException.ThrowIfNull(keySets);
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
    public int CachedCards => cardKeys.Count;

    /// <summary>The prepared TAC key of a card, or null when the ring has no master key for the algorithm and version.</summary>
    public MacKey? CardTacKey(EpAlgorithm algorithm, byte keyVersion, CityCode city, Asn asn)
    {
        var cardSlot = (algorithm, keyVersion, city.Value, asn.Value);
        if (cardKeys.TryGetValue(cardSlot, out var cached))
        {
            return cached;
        }

        if (!masters.TryGetValue((algorithm, keyVersion), out var master))
        {
            return null;
        }

        // No closure: a lambda capturing the master key would be allocated on every call, cached or not.
        var cityKey = cityKeys.GetOrAdd((algorithm, keyVersion, city.Value), static (slot, master) => master.Diversify(new CityCode(slot.Item3).DiversificationFactor()), master);
        var tacKey = cityKey.Diversify(asn.ToBytes()).TacKey();
        if (Interlocked.Increment(ref added) > MaxCachedCards)
        {
            // Several threads may see the bound at once; each empties the cache, which only costs some keys derived again.
            Volatile.Write(ref added, 1);
            cardKeys.Clear();
        }

        cardKeys[cardSlot] = tacKey;
        return tacKey;
    }
}
