using System.Security.Cryptography;
using System.Text;
using CityCard.Security.Ep;

namespace CityCard.Security.Keys;

/// <summary>
/// The public CityCard demo key set: master keys derived deterministically from a published seed string, so that tests,
/// demos and outside programs can verify MACs and TACs. <b>Never for production</b>: anyone can recompute these keys.
/// Each key is the first 16 bytes of SHA-256(<see cref="Seed"/> ‖ "/" ‖ algorithm ‖ "/" ‖ role), with role names
/// purchase, load, tac, maintenance, pinUnblock, terminalMaster and algorithm des or sm4.
/// </summary>
public static class DemoKeySet
{
    /// <summary>The published seed string.</summary>
    public const string Seed = "CityCard public demo key set v1 - NOT FOR PRODUCTION";

    /// <summary>Key version of the demo key set.</summary>
    public const byte KeyVersion = 0x01;

    /// <summary>Home city of demo cards.</summary>
    public static readonly CityCode HomeCity = new(0x2144);

    /// <summary>The JSON / command-line name of a key role.</summary>
    public static string RoleName(KeyRole role) => role switch
    {
        KeyRole.Purchase => "purchase",
        KeyRole.Load => "load",
        KeyRole.Tac => "tac",
        KeyRole.Maintenance => "maintenance",
        KeyRole.PinUnblock => "pinUnblock",
        KeyRole.TerminalMaster => "terminalMaster",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown key role"),
    };

    /// <summary>The roles whose keys are diversified into every card (the terminal master key is not).</summary>
    public static IReadOnlyList<KeyRole> CardRoles { get; } = [KeyRole.Purchase, KeyRole.Load, KeyRole.Tac, KeyRole.Maintenance, KeyRole.PinUnblock];

    /// <summary>Builds the demo key set for an algorithm.</summary>
    public static IssuerKeySet Create(EpAlgorithm algorithm)
    {
        var keys = new Dictionary<KeyRole, byte[]>();
        foreach (var role in Enum.GetValues<KeyRole>())
        {
            var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{Seed}/{algorithm.Name()}/{RoleName(role)}"));
            keys[role] = digest[..EpKey.Length];
        }

        return new IssuerKeySet(algorithm, KeyVersion, HomeCity, keys, isDemo: true);
    }
}
