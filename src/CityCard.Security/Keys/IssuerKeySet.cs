using System.Security.Cryptography;
using CityCard.Security.Ep;

namespace CityCard.Security.Keys;

/// <summary>
/// An issuer's master keys for one key version and algorithm, and the home city of its cards. Card keys are derived
/// from them for a city code and an ASN. <see cref="ToString"/> never shows key bytes.
/// </summary>
public sealed class IssuerKeySet
{
    /// <summary>Bytes of the seed of the centre's Ed25519 parameter-signing key.</summary>
    public const int ParameterSigningSeedLength = 32;

    private readonly Dictionary<KeyRole, EpKey> masters;
    private readonly byte[]? parameterSigningSeed;

    /// <summary>Creates a key set from its master keys (16 bytes each, one per role).</summary>
    /// <param name="algorithm">The algorithm of every key.</param>
    /// <param name="keyVersion">Master key version.</param>
    /// <param name="homeCity">The issuer's home city.</param>
    /// <param name="masterKeys">One master key per role.</param>
    /// <param name="isDemo">True only for the public demo key set.</param>
    /// <param name="parameterSigningSeed">The 32-byte seed of the centre's Ed25519 parameter-signing key, when the set has one.</param>
    public IssuerKeySet(EpAlgorithm algorithm, byte keyVersion, CityCode homeCity, IReadOnlyDictionary<KeyRole, byte[]> masterKeys, bool isDemo, byte[]? parameterSigningSeed = null)
    {
        ArgumentNullException.ThrowIfNull(masterKeys);
        if (parameterSigningSeed is { Length: not ParameterSigningSeedLength })
        {
            throw new ArgumentException($"key set: the parameter-signing seed must be {ParameterSigningSeedLength} bytes, got {parameterSigningSeed.Length}", nameof(parameterSigningSeed));
        }

        this.parameterSigningSeed = parameterSigningSeed?.ToArray();
        masters = [];
        foreach (var role in Enum.GetValues<KeyRole>())
        {
            if (!masterKeys.TryGetValue(role, out var bytes))
            {
                throw new ArgumentException($"key set: the {role} master key is missing", nameof(masterKeys));
            }

            if (bytes.Length != EpKey.Length)
            {
                throw new ArgumentException($"key set: the {role} master key must be {EpKey.Length} bytes, got {bytes.Length}", nameof(masterKeys));
            }

            masters[role] = EpKey.Create(algorithm, bytes);
        }

        Algorithm = algorithm;
        KeyVersion = keyVersion;
        HomeCity = homeCity;
        IsDemo = isDemo;
    }

    /// <summary>The algorithm of every key.</summary>
    public EpAlgorithm Algorithm { get; }

    /// <summary>Master key version (the key-version byte cards return).</summary>
    public byte KeyVersion { get; }

    /// <summary>The issuer's home city.</summary>
    public CityCode HomeCity { get; }

    /// <summary>True for the public demo key set, which must never protect real value.</summary>
    public bool IsDemo { get; }

    /// <summary>True when the set carries the centre's parameter-signing key (key sets written before it was added do not).</summary>
    public bool HasParameterSigningSeed => parameterSigningSeed is not null;

    /// <summary>A copy of the parameter-signing seed (a private key: never print or log it).</summary>
    /// <exception cref="InvalidOperationException">The set has none.</exception>
    public byte[] ParameterSigningSeed() =>
        parameterSigningSeed?.ToArray() ?? throw new InvalidOperationException("key set: it has no parameter-signing key (key-set files made before it was added; make a new one with 'citycard keys new')");

    /// <summary>The master key of a role.</summary>
    public EpKey Master(KeyRole role) => masters[role];

    /// <summary>Derives a card's keys: <c>Div(Div(MK, CityCode ‖ FF0000000000), ASN)</c> for every role.</summary>
    public CardKeys DeriveCardKeys(CityCode city, Asn asn)
    {
        var cityFactor = city.DiversificationFactor();
        var cardFactor = asn.ToBytes();
        EpKey Derive(KeyRole role) => masters[role].Diversify(cityFactor).Diversify(cardFactor);
        return new CardKeys(KeyVersion, Derive(KeyRole.Purchase), Derive(KeyRole.Load), Derive(KeyRole.Tac), Derive(KeyRole.Maintenance), Derive(KeyRole.PinUnblock));
    }

    /// <summary>Generates a fresh key set, parameter-signing seed included, from the system's cryptographic random source (for production use).</summary>
    public static IssuerKeySet Generate(EpAlgorithm algorithm, byte keyVersion, CityCode homeCity)
    {
        var keys = new Dictionary<KeyRole, byte[]>();
        foreach (var role in Enum.GetValues<KeyRole>())
        {
            keys[role] = RandomNumberGenerator.GetBytes(EpKey.Length);
        }

        return new IssuerKeySet(algorithm, keyVersion, homeCity, keys, isDemo: false, RandomNumberGenerator.GetBytes(ParameterSigningSeedLength));
    }

    /// <inheritdoc />
    public override string ToString() => $"IssuerKeySet({Algorithm.Name()}, version {KeyVersion}, city {HomeCity}{(IsDemo ? ", DEMO" : string.Empty)})";
}
