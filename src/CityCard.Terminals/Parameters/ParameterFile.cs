using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Signers;

namespace CityCard.Terminals.Parameters;

/// <summary>
/// The signed parameter file: JSON
/// <c>{"format":"citycard-parameters","formatVersion":1,"version":N,"keyId":"…","payload":"&lt;base64 UTF-8 JSON&gt;","signature":"&lt;base64 Ed25519&gt;"}</c>.
/// The signature covers the payload bytes exactly; the payload's version must equal the envelope's.
/// </summary>
public static class ParameterFile
{
    /// <summary>JSON options for the payload (camelCase).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private const string FormatName = "citycard-parameters";

    /// <summary>Signs parameters into file bytes.</summary>
    public static byte[] Sign(TerminalParameters parameters, ParameterSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(key);
        var payload = JsonSerializer.SerializeToUtf8Bytes(parameters, JsonOptions);
        var signer = new Ed25519Signer();
        signer.Init(true, key.PrivateKey);
        signer.BlockUpdate(payload, 0, payload.Length);
        var envelope = new JsonObject
        {
            ["format"] = FormatName,
            ["formatVersion"] = 1,
            ["version"] = parameters.Version,
            ["keyId"] = key.KeyId,
            ["payload"] = Convert.ToBase64String(payload),
            ["signature"] = Convert.ToBase64String(signer.GenerateSignature()),
        };
        return Encoding.UTF8.GetBytes(envelope.ToJsonString(JsonOptions));
    }

    /// <summary>Verifies file bytes and returns the parameters; any problem raises <see cref="ParameterFileException"/> naming it.</summary>
    public static TerminalParameters Verify(ReadOnlySpan<byte> file, ParameterSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        JsonObject envelope;
        try
        {
            envelope = JsonNode.Parse(file) as JsonObject ?? throw new ParameterFileException("parameter file: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ParameterFileException($"parameter file: not valid JSON ({e.Message})", e);
        }

        if (Text(envelope, "format") != FormatName)
        {
            throw new ParameterFileException($"parameter file: 'format' is not {FormatName}");
        }

        if (Number(envelope, "formatVersion") != 1)
        {
            throw new ParameterFileException("parameter file: unsupported 'formatVersion' (this terminal reads 1)");
        }

        var payload = Base64(envelope, "payload");
        var signature = Base64(envelope, "signature");
        var verifier = new Ed25519Signer();
        verifier.Init(false, key.PublicKey);
        verifier.BlockUpdate(payload, 0, payload.Length);
        if (signature.Length != 64 || !verifier.VerifySignature(signature))
        {
            throw new ParameterFileException("parameter file: the signature does not verify (not published by the centre, or altered)");
        }

        TerminalParameters parameters;
        try
        {
            parameters = JsonSerializer.Deserialize<TerminalParameters>(payload, JsonOptions)
                ?? throw new ParameterFileException("parameter file: empty payload");
        }
        catch (JsonException e)
        {
            throw new ParameterFileException($"parameter file: payload is malformed ({e.Message})", e);
        }

        if (parameters.Version != Number(envelope, "version"))
        {
            throw new ParameterFileException($"parameter file: envelope version {Number(envelope, "version")} differs from payload version {parameters.Version}");
        }

        ParameterValidation.Check(parameters);
        return parameters;
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
