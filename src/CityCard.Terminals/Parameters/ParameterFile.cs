using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityCard.Security;
using Org.BouncyCastle.Crypto.Signers;

namespace CityCard.Terminals.Parameters;

/// <summary>
/// The signed parameter file, JSON in two forms (docs/terminals.md):
/// <list type="bullet">
/// <item>full, format version 1: <c>{"format":"citycard-parameters","formatVersion":1,"version":N,"keyId":"…","payload":"&lt;base64 UTF-8 JSON&gt;","signature":"&lt;base64 Ed25519&gt;"}</c>;
/// the signature covers the payload bytes exactly and the payload's version must equal the envelope's;</item>
/// <item>delta, format version 2: <c>{…,"formatVersion":2,"kind":"delta","version":N,"baseVersion":B,"keyId","payload","signature","resultSignature"}</c>;
/// the payload is a <see cref="ParameterDelta"/> (blacklist changes from version B), <c>signature</c> covers it, and
/// <c>resultSignature</c> is the centre's signature over the full payload of version N, which the terminal rebuilds
/// from its installed version B and the delta — so what it installs is the same full file the centre would have sent.</item>
/// </list>
/// Payloads are serialised canonically (blacklist upper-case, distinct, in ordinal order) so both sides produce the same bytes.
/// </summary>
public static class ParameterFile
{
    /// <summary>The format version of a full file.</summary>
    public const int FullFormatVersion = 1;

    /// <summary>The format version of a delta file.</summary>
    public const int DeltaFormatVersion = 2;

    /// <summary>JSON options for the payload (camelCase).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private const string FormatName = "citycard-parameters";

    /// <summary>The parameters with their blacklist in canonical form (upper-case, distinct, ordinal order).</summary>
    public static TerminalParameters Canonical(TerminalParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters with { Blacklist = CanonicalList(parameters.Blacklist) };
    }

    /// <summary>The payload bytes a full file of these parameters signs.</summary>
    public static byte[] Payload(TerminalParameters parameters) => JsonSerializer.SerializeToUtf8Bytes(Canonical(parameters), JsonOptions);

    /// <summary>Checks parameters the way a terminal does; a problem raises <see cref="ParameterFileException"/> naming it.</summary>
    public static void Validate(TerminalParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterValidation.Check(parameters);
    }

    /// <summary>Signs parameters into the bytes of a full file (format version 1).</summary>
    public static byte[] Sign(TerminalParameters parameters, ParameterSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(key);
        var payload = Payload(parameters);
        return FullEnvelope(parameters.Version, key.KeyId, payload, SignBytes(payload, key));
    }

    /// <summary>
    /// Signs the delta that turns <paramref name="baseParameters"/> into <paramref name="result"/> (format version 2).
    /// Only the blacklist and the version fields may differ; anything else needs a full file.
    /// </summary>
    public static byte[] SignDelta(TerminalParameters baseParameters, TerminalParameters result, ParameterSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(baseParameters);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(key);
        if (result.Version <= baseParameters.Version)
        {
            throw new ArgumentException($"a delta goes forward: version {result.Version} is not above the base {baseParameters.Version}", nameof(result));
        }

        if (!ContentBytes(baseParameters).AsSpan().SequenceEqual(ContentBytes(result)))
        {
            throw new ArgumentException("a delta carries only blacklist changes; the other parameters differ, so a full file is needed", nameof(result));
        }

        var before = CanonicalList(baseParameters.Blacklist);
        var after = CanonicalList(result.Blacklist);
        var delta = new ParameterDelta
        {
            Version = result.Version,
            BaseVersion = baseParameters.Version,
            BaseSha256 = Hex.Format(SHA256.HashData(Payload(baseParameters))),
            PublishedUtc = result.PublishedUtc,
            BaseBlacklistVersion = baseParameters.BlacklistVersion,
            BlacklistVersion = result.BlacklistVersion,
            Add = after.Except(before, StringComparer.Ordinal).ToList(),
            Remove = before.Except(after, StringComparer.Ordinal).ToList(),
        };
        var payload = JsonSerializer.SerializeToUtf8Bytes(delta, JsonOptions);
        var envelope = new JsonObject
        {
            ["format"] = FormatName,
            ["formatVersion"] = DeltaFormatVersion,
            ["kind"] = "delta",
            ["version"] = delta.Version,
            ["baseVersion"] = delta.BaseVersion,
            ["keyId"] = key.KeyId,
            ["payload"] = Convert.ToBase64String(payload),
            ["signature"] = Convert.ToBase64String(SignBytes(payload, key)),
            ["resultSignature"] = Convert.ToBase64String(SignBytes(Payload(result), key)),
        };
        return Encoding.UTF8.GetBytes(envelope.ToJsonString(JsonOptions));
    }

    /// <summary>True when the bytes are a delta file (format version 2); false for anything else (which <see cref="Verify"/> then judges).</summary>
    public static bool IsDelta(ReadOnlySpan<byte> file)
    {
        try
        {
            return JsonNode.Parse(file) is JsonObject envelope
                && envelope["formatVersion"] is JsonValue value && value.TryGetValue<long>(out var number) && number == DeltaFormatVersion;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Verifies the bytes of a full file and returns the parameters; any problem raises <see cref="ParameterFileException"/> naming it.</summary>
    public static TerminalParameters Verify(ReadOnlySpan<byte> file, ParameterSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var envelope = Envelope(file);
        var formatVersion = Number(envelope, "formatVersion");
        if (formatVersion == DeltaFormatVersion)
        {
            throw new ParameterFileException("parameter file: this is a delta (format version 2); it is applied to the installed parameters, not read alone");
        }

        if (formatVersion != FullFormatVersion)
        {
            throw new ParameterFileException($"parameter file: unsupported 'formatVersion' {formatVersion} (this terminal reads 1, full, and 2, delta)");
        }

        var payload = Base64(envelope, "payload");
        if (!VerifyBytes(payload, Base64(envelope, "signature"), key))
        {
            throw new ParameterFileException("parameter file: the signature does not verify (not published by the centre, or altered)");
        }

        var parameters = Deserialize<TerminalParameters>(payload, "payload");
        if (parameters.Version != Number(envelope, "version"))
        {
            throw new ParameterFileException($"parameter file: envelope version {Number(envelope, "version")} differs from payload version {parameters.Version}");
        }

        ParameterValidation.Check(parameters);
        return parameters;
    }

    /// <summary>
    /// Applies a delta file to the installed full file and returns the full file of the new version, verified under the
    /// centre's key. A forged or altered delta raises <see cref="ParameterFileException"/>; a genuine delta for another
    /// base raises <see cref="ParameterBaseMismatchException"/> (ask for the full file).
    /// </summary>
    public static byte[] ApplyDelta(ReadOnlySpan<byte> deltaFile, ReadOnlySpan<byte> installedFile, ParameterSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var envelope = Envelope(deltaFile);
        if (Number(envelope, "formatVersion") != DeltaFormatVersion || Text(envelope, "kind") != "delta")
        {
            throw new ParameterFileException("parameter file: not a delta (format version 2, kind 'delta')");
        }

        var payload = Base64(envelope, "payload");
        if (!VerifyBytes(payload, Base64(envelope, "signature"), key))
        {
            throw new ParameterFileException("parameter file: the delta's signature does not verify (not published by the centre, or altered)");
        }

        var delta = Deserialize<ParameterDelta>(payload, "delta payload");
        if (delta.Version != Number(envelope, "version") || delta.BaseVersion != Number(envelope, "baseVersion"))
        {
            throw new ParameterFileException("parameter file: the delta's envelope versions differ from its payload's");
        }

        if (delta.Version <= delta.BaseVersion)
        {
            throw new ParameterFileException($"parameter file: the delta goes from version {delta.BaseVersion} to {delta.Version}, not forward");
        }

        foreach (var asn in delta.Add.Concat(delta.Remove))
        {
            if (asn.Length != 16 || !asn.All(char.IsAsciiHexDigit))
            {
                throw new ParameterFileException($"parameter file: delta blacklist entry '{asn}' is not 16 hex digits");
            }
        }

        var installed = Verify(installedFile, key);
        var installedPayload = Base64(Envelope(installedFile), "payload");
        if (installed.Version != delta.BaseVersion)
        {
            throw new ParameterBaseMismatchException($"parameter file: the delta applies to version {delta.BaseVersion}, the installed version is {installed.Version}");
        }

        if (!string.Equals(Hex.Format(SHA256.HashData(installedPayload)), delta.BaseSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ParameterBaseMismatchException($"parameter file: the installed version {installed.Version} is not the centre's version {delta.BaseVersion} (its content differs)");
        }

        var removed = CanonicalList(delta.Remove).ToHashSet(StringComparer.Ordinal);
        var result = installed with
        {
            Version = delta.Version,
            PublishedUtc = delta.PublishedUtc,
            BlacklistVersion = delta.BlacklistVersion,
            Blacklist = CanonicalList(installed.Blacklist.Concat(delta.Add)).Where(a => !removed.Contains(a)).ToList(),
        };
        var resultPayload = Payload(result);
        var resultSignature = Base64(envelope, "resultSignature");
        if (!VerifyBytes(resultPayload, resultSignature, key))
        {
            throw new ParameterBaseMismatchException($"parameter file: version {installed.Version} with the delta applied is not the centre's signed version {delta.Version}");
        }

        var full = FullEnvelope(delta.Version, Text(envelope, "keyId"), resultPayload, resultSignature);
        Verify(full, key);
        return full;
    }

    private static byte[] FullEnvelope(uint version, string keyId, byte[] payload, byte[] signature)
    {
        var envelope = new JsonObject
        {
            ["format"] = FormatName,
            ["formatVersion"] = FullFormatVersion,
            ["version"] = version,
            ["keyId"] = keyId,
            ["payload"] = Convert.ToBase64String(payload),
            ["signature"] = Convert.ToBase64String(signature),
        };
        return Encoding.UTF8.GetBytes(envelope.ToJsonString(JsonOptions));
    }

    // Everything but the version fields and the blacklist, which is what a delta may change.
    private static byte[] ContentBytes(TerminalParameters parameters) => JsonSerializer.SerializeToUtf8Bytes(
        parameters with { Version = 1, PublishedUtc = default, BlacklistVersion = 0, Blacklist = [] },
        JsonOptions);

    private static List<string> CanonicalList(IEnumerable<string> asns) =>
        asns.Select(a => a.ToUpperInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private static byte[] SignBytes(byte[] payload, ParameterSigningKey key)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, key.PrivateKey);
        signer.BlockUpdate(payload, 0, payload.Length);
        return signer.GenerateSignature();
    }

    private static bool VerifyBytes(byte[] payload, byte[] signature, ParameterSigningKey key)
    {
        if (signature.Length != 64)
        {
            return false;
        }

        var verifier = new Ed25519Signer();
        verifier.Init(false, key.PublicKey);
        verifier.BlockUpdate(payload, 0, payload.Length);
        return verifier.VerifySignature(signature);
    }

    private static JsonObject Envelope(ReadOnlySpan<byte> file)
    {
        JsonObject envelope;
        try
        {
            envelope = JsonNode.Parse(file) as JsonObject ?? throw new ParameterFileException("parameter file: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ParameterFileException($"parameter file: not valid JSON ({e.Message})", e);
        }

        if (envelope["format"] is not JsonValue format || !format.TryGetValue<string>(out var name) || name != FormatName)
        {
            throw new ParameterFileException($"parameter file: 'format' is not {FormatName}");
        }

        return envelope;
    }

    private static T Deserialize<T>(byte[] payload, string what)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(payload, JsonOptions) ?? throw new ParameterFileException($"parameter file: empty {what}");
        }
        catch (JsonException e)
        {
            throw new ParameterFileException($"parameter file: {what} is malformed ({e.Message})", e);
        }
    }

    private static string Text(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new ParameterFileException($"parameter file: field '{name}' is missing or not a string");

    private static long Number(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<long>(out var number)
            ? number
            : throw new ParameterFileException($"parameter file: field '{name}' is missing or not a number");

    private static byte[] Base64(JsonObject node, string name)
    {
        try
        {
            return Convert.FromBase64String(Text(node, name));
        }
        catch (FormatException e)
        {
            throw new ParameterFileException($"parameter file: field '{name}' is not base64", e);
        }
    }
}
