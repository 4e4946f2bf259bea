using System.Text.Json.Nodes;
using CityCard.Cards.Images;
using CityCard.Security;
using CityCard.Security.Ep;

namespace CityCard.Cards.Psam;

/// <summary>
/// The PSAM image: JSON in the shared envelope (format <c>citycard-psam</c>, version 1, SHA-256 checksum) whose body holds
/// the terminal number, the TTSN and the purchase master keys. Never logged: it holds master keys.
/// </summary>
public sealed partial class SoftPsam
{
    /// <summary>The <c>format</c> name of PSAM images.</summary>
    public const string ImageFormat = "citycard-psam";

    /// <summary>The image format version this code writes and reads.</summary>
    public const int ImageVersion = 1;

    /// <summary>Writes the PSAM image to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path) => ImageEnvelope.WriteFileAtomically(path, ToImage());

    /// <summary>The PSAM image as bytes (UTF-8 JSON).</summary>
    public byte[] ToImage()
    {
        var keys = new JsonArray();
        foreach (var key in MasterKeys)
        {
            keys.Add(new JsonObject
            {
                ["keyVersion"] = (int)key.KeyVersion,
                ["algorithm"] = key.Algorithm.Name(),
                ["key"] = Hex.Format(key.Key.ExportBytes()),
            });
        }

        var body = new JsonObject
        {
            ["terminal"] = Terminal.ToString(),
            ["transactionSerial"] = TransactionSerial,
            ["purchaseMasterKeys"] = keys,
        };
        return ImageEnvelope.Encode(ImageFormat, ImageVersion, body);
    }

    /// <summary>Loads a PSAM image file; throws <see cref="ImageFileException"/> naming the problem.</summary>
    public static SoftPsam Load(string path) => FromImage(ImageEnvelope.ReadFile(path), path);

    /// <summary>Loads a PSAM image from bytes; <paramref name="source"/> names it in error messages.</summary>
    public static SoftPsam FromImage(ReadOnlySpan<byte> image, string source = "PSAM image")
    {
        var body = ImageEnvelope.Decode(image, ImageFormat, ImageVersion, source);
        var terminal = TerminalId.Read(ImageEnvelope.GetHex(body, "terminal", TerminalId.Length, source));
        var serial = (uint)ImageEnvelope.GetInteger(body, "transactionSerial", 0, uint.MaxValue, source);
        if (body["purchaseMasterKeys"] is not JsonArray array)
        {
            throw new ImageFileException($"{source}: array 'purchaseMasterKeys' is missing");
        }

        var keys = new List<PsamMasterKey>();
        foreach (var node in array)
        {
            if (node is not JsonObject entry)
            {
                throw new ImageFileException($"{source}: an entry of 'purchaseMasterKeys' is not an object");
            }

            if (!EpAlgorithms.TryParse(ImageEnvelope.GetString(entry, "algorithm", source), out var algorithm))
            {
                throw new ImageFileException($"{source}: a purchase master key's 'algorithm' must be des or sm4");
            }

            var version = (byte)ImageEnvelope.GetInteger(entry, "keyVersion", 0, 255, source);
            keys.Add(new PsamMasterKey(version, EpKey.Create(algorithm, ImageEnvelope.GetHex(entry, "key", EpKey.Length, source))));
        }

        try
        {
            return Create(terminal, keys, serial);
        }
        catch (ArgumentException e)
        {
            throw new ImageFileException($"{source}: {ImageEnvelope.PlainMessage(e)}", e);
        }
    }
}
