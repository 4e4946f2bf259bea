using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityCard.Security;

namespace CityCard.Cards.Images;

/// <summary>
/// The envelope shared by card and PSAM images: a JSON object
/// <c>{"format": name, "version": n, "sha256": hex, "body": {...}}</c> where the checksum is SHA-256 over the UTF-8 of
/// the body's compact JSON text. Files are replaced atomically (temporary file, flush, rename).
/// </summary>
internal static class ImageEnvelope
{
    public const int MaxImageBytes = 1 << 20;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static byte[] Encode(string format, int version, JsonObject body)
    {
        var bodyText = body.ToJsonString();
        var envelope = new JsonObject
        {
            ["format"] = format,
            ["version"] = version,
            ["sha256"] = Hex.Format(SHA256.HashData(Encoding.UTF8.GetBytes(bodyText))),
            ["body"] = body,
        };
        return Encoding.UTF8.GetBytes(envelope.ToJsonString(Indented) + "\n");
    }

    public static JsonObject Decode(ReadOnlySpan<byte> image, string format, int version, string source)
    {
        if (image.Length > MaxImageBytes)
        {
            throw new ImageFileException($"{source}: {image.Length} bytes is too large for a {format} image");
        }

        JsonObject envelope;
        try
        {
            envelope = JsonNode.Parse(image) as JsonObject
                ?? throw new ImageFileException($"{source}: not a {format} image (the JSON is not an object)");
        }
        catch (JsonException e)
        {
            throw new ImageFileException($"{source}: not valid JSON, the file is truncated or corrupt ({e.Message})", e);
        }

        var actualFormat = envelope["format"] is JsonValue f && f.TryGetValue<string>(out var name) ? name : null;
        if (actualFormat != format)
        {
            throw new ImageFileException(actualFormat is null
                ? $"{source}: not a {format} image (no 'format' field)"
                : $"{source}: is a '{actualFormat}' file, not a {format} image");
        }

        var actualVersion = envelope["version"] is JsonValue v && v.TryGetValue<int>(out var number) ? number : (int?)null;
        if (actualVersion != version)
        {
            throw new ImageFileException(actualVersion is null
                ? $"{source}: the 'version' field is missing or not a number"
                : $"{source}: {format} format version {actualVersion} is not supported (this program reads version {version})");
        }

        var body = envelope["body"] as JsonObject ?? throw new ImageFileException($"{source}: the 'body' object is missing");
        var expected = envelope["sha256"] is JsonValue s && s.TryGetValue<string>(out var text) ? text : null;
        var actual = Hex.Format(SHA256.HashData(Encoding.UTF8.GetBytes(body.ToJsonString())));
        if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new ImageFileException(expected is null
                ? $"{source}: the 'sha256' checksum is missing"
                : $"{source}: checksum mismatch, the image is corrupt or was edited");
        }

        return body;
    }

    public static byte[] ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxImageBytes)
            {
                throw new ImageFileException($"{path}: {info.Length} bytes is too large for an image");
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageFileException($"{path}: cannot be read ({e.Message})", e);
        }
    }

    /// <summary>Writes a temporary file beside the target, flushes it to disk, then renames it over the target.</summary>
    public static void WriteFileAtomically(string path, byte[] contents)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static string GetString(JsonObject body, string name, string source) =>
        body[name] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new ImageFileException($"{source}: field '{name}' is missing or not a string");

    public static long GetInteger(JsonObject body, string name, long minimum, long maximum, string source)
    {
        if (body[name] is not JsonValue value || !value.TryGetValue<long>(out var number))
        {
            throw new ImageFileException($"{source}: field '{name}' is missing or not an integer");
        }

        return number >= minimum && number <= maximum
            ? number
            : throw new ImageFileException($"{source}: field '{name}' is {number}, outside {minimum}..{maximum}");
    }

    public static byte[] GetHex(JsonObject body, string name, int? length, string source)
    {
        var text = GetString(body, name, source);
        try
        {
            return length is { } exact ? Hex.Parse(text, name, exact) : Hex.Parse(text, name);
        }
        catch (ArgumentException e)
        {
            throw new ImageFileException($"{source}: {PlainMessage(e)}", e);
        }
    }

    /// <summary>The message of an argument error without the " (Parameter 'x')" suffix .NET appends.</summary>
    public static string PlainMessage(ArgumentException error)
    {
        var suffix = $" (Parameter '{error.ParamName}')";
        return error.ParamName is not null && error.Message.EndsWith(suffix, StringComparison.Ordinal)
            ? error.Message[..^suffix.Length]
            : error.Message;
    }

    public static JsonObject GetObject(JsonObject body, string name, string source) =>
        body[name] as JsonObject ?? throw new ImageFileException($"{source}: object '{name}' is missing");
}
