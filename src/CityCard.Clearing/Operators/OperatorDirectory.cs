using System.Security.Cryptography;
using System.Text;
using CityCard.Clearing.Storage;

namespace CityCard.Clearing.Operators;

/// <summary>
/// Back-office operators and their bearer tokens. A token is 32 random bytes (base64url, prefixed <c>cco_</c>), shown once
/// when the operator is added; the centre keeps only its SHA-256, so a copy of the database does not hold usable tokens.
/// Adding, revoking and rotating are written to the operator log.
/// </summary>
public sealed class OperatorDirectory(IClearingStore store, TimeProvider clock)
{
    /// <summary>The prefix of every token (so a token found in a log or a file is recognisable).</summary>
    public const string TokenPrefix = "cco_";

    /// <summary>Adds an operator and returns the new token (the only time it is shown).</summary>
    public string Add(string name, OperatorRole role, string actor)
    {
        var checkedName = CheckName(name);
        if (!Enum.IsDefined(role))
        {
            throw new ClearingInputException($"role: {role} is not viewer, clerk or supervisor");
        }

        var (token, hash) = NewToken();
        var now = clock.GetUtcNow();
        store.Write(w =>
        {
            if (!w.AddOperator(new OperatorAccount(checkedName, role, now, null), hash))
            {
                throw new ClearingInputException($"operator {checkedName} exists already (revoke it, or rotate its token)");
            }

            w.AppendOperatorLog(actor, "operator-add", checkedName, now, "{}", $"{{\"role\":\"{Name(role)}\"}}", "operator-add-" + hash[..16]);
            return 0;
        });
        return token;
    }

    /// <summary>Replaces an operator's token (the old one stops working) and returns the new one; the role stays.</summary>
    public string Rotate(string name, string actor)
    {
        var checkedName = CheckName(name);
        var (token, hash) = NewToken();
        var now = clock.GetUtcNow();
        store.Write(w =>
        {
            if (!w.RotateOperatorToken(checkedName, hash))
            {
                throw new ClearingInputException($"operator {checkedName} does not exist or was revoked");
            }

            w.AppendOperatorLog(actor, "operator-rotate", checkedName, now, "{}", "{}", "operator-rotate-" + hash[..16]);
            return 0;
        });
        return token;
    }

    /// <summary>Revokes an operator's token for good.</summary>
    public void Revoke(string name, string actor)
    {
        var checkedName = CheckName(name);
        var now = clock.GetUtcNow();
        store.Write(w =>
        {
            if (!w.RevokeOperator(checkedName, now))
            {
                throw new ClearingInputException($"operator {checkedName} does not exist or was revoked already");
            }

            w.AppendOperatorLog(actor, "operator-revoke", checkedName, now, "{}", "{}", $"operator-revoke-{checkedName}-{now.ToUnixTimeSeconds()}");
            return 0;
        });
    }

    /// <summary>Every operator, by name.</summary>
    public IReadOnlyList<OperatorAccount> List() => store.Read(r => r.Operators());

    /// <summary>The operator a token belongs to, or null when it is unknown, malformed or revoked.</summary>
    public OperatorAccount? Authenticate(string? token)
    {
        if (token is null || !token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return null;
        }

        var account = store.Read(r => r.FindOperatorByToken(Hash(token)));
        return account is { RevokedUtc: null } ? account : null;
    }

    /// <summary>The role's lower-case name (as the CLI and the API write it).</summary>
    public static string Name(OperatorRole role) => role.ToString().ToLowerInvariant();

    /// <summary>A role from its name.</summary>
    public static OperatorRole ParseRole(string? text, string what) => text?.Trim().ToLowerInvariant() switch
    {
        "viewer" => OperatorRole.Viewer,
        "clerk" => OperatorRole.Clerk,
        "supervisor" => OperatorRole.Supervisor,
        _ => throw new ClearingInputException($"{what}: '{text}' is not viewer, clerk or supervisor"),
    };

    /// <summary>The stored form of a token: SHA-256, upper-case hex.</summary>
    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static (string Token, string Hash) NewToken()
    {
        var token = TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, Hash(token));
    }

    /// <summary>
    /// An operator's name, trimmed: 1..64 letters, digits, '-', '_' or '.'; otherwise <see cref="ClearingInputException"/>
    /// naming <paramref name="what"/> (hosts check it before they open the store, to answer a usage error).
    /// </summary>
    public static string CheckName(string? name, string what = "name")
    {
        var text = name?.Trim();
        return string.IsNullOrEmpty(text) || text.Length > 64 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? throw new ClearingInputException($"{what}: must be 1..64 letters, digits, '-', '_' or '.', got '{name}'")
            : text;
    }
}
