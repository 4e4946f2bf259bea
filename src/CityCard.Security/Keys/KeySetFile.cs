using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityCard.Security.Ep;

namespace CityCard.Security.Keys;

/// <summary>
/// A production key set stored in a file encrypted under a key-encryption key (KEK) that is supplied at start
/// (environment variable <see cref="KekEnvironmentVariable"/> or a prompt) and never stored or logged.
/// The file is JSON: <c>{"format":"citycard-keyset","version":1,"kdf":"pbkdf2-sha256","iterations":N,"salt":hex,"nonce":hex,"ciphertext":hex,"tag":hex}</c>;
/// the plaintext is the key set as JSON; the cipher is AES-256-GCM with the header fields as associated data, so any
/// altered byte is detected.
/// </summary>
public static class KeySetFile
{
    /// <summary>The environment variable that supplies the key-encryption passphrase.</summary>
    public const string KekEnvironmentVariable = "CITYCARD_KEK";

    private const string FormatName = "citycard-keyset";
    private const int FormatVersion = 1;
    private const int DefaultIterations = 200_000;
    private const int MinimumIterations = 10_000;
    private const int MaximumIterations = 10_000_000;
    private const string ParameterSigningField = "parameterSigning";

    /// <summary>Encrypts a key set to the file (replacing it atomically).</summary>
    public static void Write(string path, IssuerKeySet keySet, string kek, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        RequireKek(kek);
        if (keySet.IsDemo)
        {
            throw new ArgumentException("key set: the demo key set is public and is not written to a production key file", nameof(keySet));
        }

        var salt = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plaintext = Encoding.UTF8.GetBytes(ToPlainJson(keySet));
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        var key = DeriveKek(kek, salt, iterations);
        try
        {
            using var aes = new AesGcm(key, 16);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(iterations));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }

        var document = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = FormatVersion,
            ["kdf"] = "pbkdf2-sha256",
            ["iterations"] = iterations,
            ["salt"] = Hex.Format(salt),
            ["nonce"] = Hex.Format(nonce),
            ["ciphertext"] = Hex.Format(ciphertext),
            ["tag"] = Hex.Format(tag),
        };
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads and decrypts a key-set file; any problem raises <see cref="KeySetFileException"/> naming it.</summary>
    public static IssuerKeySet Read(string path, string kek)
    {
        RequireKek(kek);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeySetFileException($"key-set file {path}: cannot be read ({e.Message})", e);
        }

        JsonObject document;
        try
        {
            document = JsonNode.Parse(text) as JsonObject ?? throw new KeySetFileException($"key-set file {path}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new KeySetFileException($"key-set file {path}: not valid JSON ({e.Message})", e);
        }

        if (Field(document, "format", path) != FormatName)
        {
            throw new KeySetFileException($"key-set file {path}: 'format' is not {FormatName}");
        }

        if (IntField(document, "version", path) != FormatVersion)
        {
            throw new KeySetFileException($"key-set file {path}: unsupported 'version' (this program reads version {FormatVersion})");
        }

        if (Field(document, "kdf", path) != "pbkdf2-sha256")
        {
            throw new KeySetFileException($"key-set file {path}: unsupported 'kdf'");
        }

        var iterations = IntField(document, "iterations", path);
        if (iterations is < MinimumIterations or > MaximumIterations)
        {
            throw new KeySetFileException($"key-set file {path}: 'iterations' must be between {MinimumIterations} and {MaximumIterations}");
        }

        var salt = HexField(document, "salt", path, 16);
        var nonce = HexField(document, "nonce", path, 12);
        var tag = HexField(document, "tag", path, 16);
        var ciphertext = HexField(document, "ciphertext", path, null);
        var plaintext = new byte[ciphertext.Length];
        var key = DeriveKek(kek, salt, iterations);
        try
        {
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, AssociatedData(iterations));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new KeySetFileException($"key-set file {path}: wrong key-encryption key, or the file was altered", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        try
        {
            return FromPlainJson(Encoding.UTF8.GetString(plaintext), path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The KEK from the environment, or null when the variable is not set.</summary>
    public static string? KekFromEnvironment() => Environment.GetEnvironmentVariable(KekEnvironmentVariable) is { Length: > 0 } value ? value : null;

    private static void RequireKek(string kek)
    {
        if (string.IsNullOrEmpty(kek) || kek.Length < 12)
        {
            throw new ArgumentException("kek: the key-encryption passphrase must have at least 12 characters", nameof(kek));
        }
    }

    private static byte[] DeriveKek(string kek, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(kek), salt, iterations, HashAlgorithmName.SHA256, 32);

    private static byte[] AssociatedData(int iterations) =>
        Encoding.ASCII.GetBytes($"{FormatName}/{FormatVersion}/pbkdf2-sha256/{iterations}");

    private static string ToPlainJson(IssuerKeySet keySet)
    {
        var node = new JsonObject
        {
            ["algorithm"] = keySet.Algorithm.Name(),
            ["keyVersion"] = (int)keySet.KeyVersion,
            ["cityCode"] = keySet.HomeCity.ToString(),
        };
        foreach (var role in Enum.GetValues<KeyRole>())
        {
            node[DemoKeySet.RoleName(role)] = Hex.Format(keySet.Master(role).ExportBytes());
        }

        if (keySet.HasParameterSigningSeed)
        {
            node[ParameterSigningField] = Hex.Format(keySet.ParameterSigningSeed());
        }

        return node.ToJsonString();
    }

    private static IssuerKeySet FromPlainJson(string json, string path)
    {
        try
        {
            var node = JsonNode.Parse(json) as JsonObject ?? throw new KeySetFileException($"key-set file {path}: decrypted content is not a JSON object");
            var algorithm = EpAlgorithms.Parse(Field(node, "algorithm", path), "algorithm");
            var version = IntField(node, "keyVersion", path);
            if (version is < 0 or > 255)
            {
                throw new KeySetFileException($"key-set file {path}: 'keyVersion' must be 0..255");
            }

            var city = CityCode.Parse(Field(node, "cityCode", path), "cityCode");
            var keys = new Dictionary<KeyRole, byte[]>();
            foreach (var role in Enum.GetValues<KeyRole>())
            {
                keys[role] = HexField(node, DemoKeySet.RoleName(role), path, EpKey.Length);
            }

            // Optional: files written before the parameter-signing key was added have none (commands that sign parameters refuse them).
            var seed = node.ContainsKey(ParameterSigningField) ? HexField(node, ParameterSigningField, path, IssuerKeySet.ParameterSigningSeedLength) : null;
            return new IssuerKeySet(algorithm, (byte)version, city, keys, isDemo: false, seed);
        }
        catch (Exception e) when (e is ArgumentException or JsonException)
        {
            throw new KeySetFileException($"key-set file {path}: decrypted content is malformed ({e.Message})", e);
        }
    }

    private static string Field(JsonObject node, string name, string path) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new KeySetFileException($"key-set file {path}: field '{name}' is missing or not a string");

    private static int IntField(JsonObject node, string name, string path) =>
        node[name] is JsonValue value && value.TryGetValue<int>(out var number)
            ? number
            : throw new KeySetFileException($"key-set file {path}: field '{name}' is missing or not an integer");

    private static byte[] HexField(JsonObject node, string name, string path, int? length)
    {
        var text = Field(node, name, path);
        try
        {
            return length is { } exact ? Hex.Parse(text, name, exact) : Hex.Parse(text, name);
        }
        catch (ArgumentException e)
        {
            throw new KeySetFileException($"key-set file {path}: {e.Message}", e);
        }
    }
}
