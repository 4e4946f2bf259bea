using System.Text.Json.Nodes;
using CityCard.Cards.Application;
using CityCard.Cards.Images;
using CityCard.Security;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Cards.Cos;

/// <summary>
/// The card image: JSON in the <see cref="ImageEnvelope"/> (format <c>citycard-card</c>, version 1, SHA-256 checksum)
/// whose body holds the keys, EF 0015, EF 0016, EF 0019 (optional), the PIN and the persistent memory in hex (docs/card.md). A software card
/// holds its keys in its image; the image is never logged.
/// </summary>
public sealed partial class SoftCard
{
    /// <summary>The <c>format</c> name of card images.</summary>
    public const string ImageFormat = "citycard-card";

    /// <summary>The image format version this code writes and reads.</summary>
    public const int ImageVersion = 1;

    // The roles a card holds (an issuer's terminal master key never goes on a card).
    private static readonly KeyRole[] CardKeyRoles = [KeyRole.Purchase, KeyRole.Load, KeyRole.Tac, KeyRole.Maintenance, KeyRole.PinUnblock];

    /// <summary>Writes the card image to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path) => ImageEnvelope.WriteFileAtomically(path, ToImage());

    /// <summary>The card image as bytes (UTF-8 JSON).</summary>
    public byte[] ToImage()
    {
        var keyNode = new JsonObject();
        foreach (var role in CardKeyRoles)
        {
            keyNode[DemoKeySet.RoleName(role)] = Hex.Format(keys[role].ExportBytes());
        }

        var body = new JsonObject
        {
            ["algorithm"] = keys.Algorithm.Name(),
            ["keyVersion"] = (int)keys.KeyVersion,
            ["keys"] = keyNode,
            ["ef0015"] = Hex.Format(publicInfoBytes),
            ["ef0016"] = Hex.Format(cardholderBytes),
            ["pin"] = PinCodec.Decode(pinBcd),
            ["pinTryLimit"] = PinTryLimit,
            ["historyRecords"] = memory.HistoryCapacity,
            ["cappRecords"] = memory.CappRecordCount,
            ["memory"] = Hex.Format(memory.Export()),
        };
        if (concessionBytes is not null)
        {
            body["ef0019"] = Hex.Format(concessionBytes);
        }

        return ImageEnvelope.Encode(ImageFormat, ImageVersion, body);
    }

    /// <summary>
    /// Loads a card image file and powers the card on (completing or discarding a commit a power loss interrupted).
    /// Throws <see cref="ImageFileException"/> naming the problem for an unreadable, corrupt, truncated or wrong-version file.
    /// </summary>
    public static SoftCard Load(string path, SoftCardOptions? options = null) =>
        FromImage(ImageEnvelope.ReadFile(path), options, path);

    /// <summary>Loads a card image from bytes; <paramref name="source"/> names it in error messages.</summary>
    public static SoftCard FromImage(ReadOnlySpan<byte> image, SoftCardOptions? options = null, string source = "card image")
    {
        var body = ImageEnvelope.Decode(image, ImageFormat, ImageVersion, source);
        var effective = options ?? SoftCardOptions.Default;

        // The power-on recovery of a loaded image runs without the tearing hook; the hook applies from the first command.
        var card = Restore(body, source, effective with { TearingHook = null });
        card.TearingHook = effective.TearingHook;
        return card;
    }

    private static SoftCard Restore(JsonObject body, string source, SoftCardOptions options)
    {
        if (!EpAlgorithms.TryParse(ImageEnvelope.GetString(body, "algorithm", source), out var algorithm))
        {
            throw new ImageFileException($"{source}: field 'algorithm' must be des or sm4");
        }

        var keyVersion = (byte)ImageEnvelope.GetInteger(body, "keyVersion", 0, 255, source);
        var keyNode = ImageEnvelope.GetObject(body, "keys", source);
        EpKey Key(KeyRole role) => EpKey.Create(algorithm, ImageEnvelope.GetHex(keyNode, DemoKeySet.RoleName(role), EpKey.Length, source));
        var cardKeys = new CardKeys(keyVersion, Key(KeyRole.Purchase), Key(KeyRole.Load), Key(KeyRole.Tac), Key(KeyRole.Maintenance), Key(KeyRole.PinUnblock));

        var publicInfo = ImageEnvelope.GetHex(body, "ef0015", CardPublicInfo.Length, source);
        var cardholder = ImageEnvelope.GetHex(body, "ef0016", Application.Cardholder.Length, source);

        // EF 0019 came later: an image without it is a card personalised without the file.
        var concession = body["ef0019"] is null ? null : ImageEnvelope.GetHex(body, "ef0019", ConcessionData.Length, source);
        var pin = PinCodec.Encode(ImageEnvelope.GetString(body, "pin", source))
            ?? throw new ImageFileException($"{source}: field 'pin' must be 4 to 12 decimal digits");
        var pinTryLimit = (int)ImageEnvelope.GetInteger(body, "pinTryLimit", 1, 15, source);
        var history = (int)ImageEnvelope.GetInteger(body, "historyRecords", CardPersonalization.MinHistoryRecords, CardPersonalization.MaxHistoryRecords, source);
        var capp = (int)ImageEnvelope.GetInteger(body, "cappRecords", 1, CardPersonalization.MaxCappRecords, source);
        var contents = ImageEnvelope.GetHex(body, "memory", null, source);
        var expectedSize = new CardMemory(history, capp).Size;
        if (contents.Length != expectedSize)
        {
            throw new ImageFileException($"{source}: field 'memory' has {contents.Length} bytes, expected {expectedSize}");
        }

        var memory = new CardMemory(history, capp, contents);
        if (memory.CheckJournal() is { } journalProblem)
        {
            throw new ImageFileException($"{source}: {journalProblem}");
        }

        SoftCard card;
        try
        {
            card = new SoftCard(cardKeys, publicInfo, cardholder, concession, pin, pinTryLimit, memory, options);
        }
        catch (ArgumentException e)
        {
            throw new ImageFileException($"{source}: {ImageEnvelope.PlainMessage(e)}", e);
        }

        card.PowerOn();
        if (memory.CheckData(pinTryLimit) is { } dataProblem)
        {
            throw new ImageFileException($"{source}: {dataProblem}");
        }

        for (var n = 1; n <= memory.HistoryCount; n++)
        {
            if (!TransactionRecord.TryParse(memory.HistoryRecord(n), out _))
            {
                throw new ImageFileException($"{source}: EF 0018 record {n} is not a valid transaction record");
            }
        }

        return card;
    }
}
