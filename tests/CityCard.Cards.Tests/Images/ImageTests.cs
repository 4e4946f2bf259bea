using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CityCard.Cards.Application;
using CityCard.Cards.Cos;
using CityCard.Cards.Images;
using CityCard.Cards.Issuance;
using CityCard.Cards.Psam;
using CityCard.Cards.Transactions;
using CityCard.Security;
using CityCard.Security.Ep;
using static CityCard.Cards.Tests.Support.T;

namespace CityCard.Cards.Tests.Images;

/// <summary>Card and PSAM image files: round trips, atomic saves, and every kind of damage refused with a clear message.</summary>
public sealed class ImageTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-images-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData(EpAlgorithm.Des)]
    [InlineData(EpAlgorithm.Sm4)]
    public void SaveLoad_UsedCard_SameStateAndKeepsWorking(EpAlgorithm algorithm)
    {
        var card = new CardIssuer(Demo(algorithm)).Issue(Request(overdraft: 300, type: CardType.Student) with
        {
            Cardholder = new Cardholder("李四", "110105200001010011", CertificateType.IdentityCard),
            Pin = "2468",
        });
        Assert.True(Loader(algorithm).Load(card, 1_000).IsCompleted);
        Assert.True(new PurchaseExchange(NewPsam()).CappPurchase(card, 40, Noon, new CappRecordUpdate(4, CappData(9))).IsCompleted);
        var path = Path.Combine(directory, "card.json");

        card.Save(path);
        var loaded = SoftCard.Load(path);

        Assert.Equal(card.Purse, loaded.Purse);
        Assert.Equal(card.History, loaded.History);
        Assert.Equal(card.PublicInfo, loaded.PublicInfo);
        Assert.Equal(card.Cardholder, loaded.Cardholder);
        Assert.Equal(CappData(9), loaded.CappRecord(4));
        Assert.Equal((algorithm, (byte)1, 300), (loaded.Algorithm, loaded.KeyVersion, loaded.Purse.OverdraftLimit));
        Assert.Equal(card.ToImage(), loaded.ToImage());
        Assert.Equal(0x9000, Sw(loaded.Transmit(CardCommands.SelectApplication())));
        Assert.Equal(0x9000, Sw(loaded.Transmit(CardCommands.VerifyPin("2468"))));
        Assert.True(new PurchaseExchange(NewPsam()).Purchase(loaded, 60, Noon).IsCompleted);
        Assert.Single(Directory.GetFiles(directory));
    }

    [Fact]
    public void Save_OverExistingFile_ReplacesItAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(directory, "card.json");
        File.WriteAllText(path, "old");
        var card = FundedCard();

        card.Save(path);

        Assert.Equal(card.ToImage(), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(directory));
    }

    [Fact]
    public void SaveLoad_Psam_SameTerminalSerialAndKeys()
    {
        var psam = NewPsam(serial: 1234);
        var path = Path.Combine(directory, "psam.json");

        psam.Save(path);
        var loaded = SoftPsam.Load(path);

        Assert.Equal((psam.Terminal, 1234u), (loaded.Terminal, loaded.TransactionSerial));
        Assert.Equal(psam.ToImage(), loaded.ToImage());
        Assert.True(new PurchaseExchange(loaded).Purchase(FundedCard(EpAlgorithm.Sm4), 5, Noon).IsCompleted);
        Assert.Equal(1235u, loaded.TransactionSerial);
    }

    [Fact]
    public void Load_OneBalanceDigitChanged_ChecksumMismatch()
    {
        var image = Encoding.UTF8.GetString(FundedCard().ToImage());
        var memory = JsonNode.Parse(image)!["body"]!["memory"]!.GetValue<string>();
        var forged = image.Replace(memory, "7F" + memory[2..], StringComparison.Ordinal);

        var error = Assert.Throws<ImageFileException>(() => SoftCard.FromImage(Encoding.UTF8.GetBytes(forged), source: "card.json"));

        Assert.Equal("card.json: checksum mismatch, the image is corrupt or was edited", error.Message);
    }

    [Fact]
    public void Load_Truncated_NotValidJson()
    {
        var image = FundedCard().ToImage();

        var error = Assert.Throws<ImageFileException>(() => SoftCard.FromImage(image.AsSpan(0, image.Length / 2), source: "card.json"));

        Assert.StartsWith("card.json: not valid JSON, the file is truncated or corrupt", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"version\": 1", "\"version\": 2", "citycard-card format version 2 is not supported (this program reads version 1)")]
    [InlineData("\"version\": 1", "\"version\": \"1\"", "the 'version' field is missing or not a number")]
    [InlineData("\"format\": \"citycard-card\"", "\"format\": \"citycard-psam\"", "is a 'citycard-psam' file, not a citycard-card image")]
    [InlineData("\"format\": \"citycard-card\"", "\"formats\": \"citycard-card\"", "not a citycard-card image (no 'format' field)")]
    [InlineData("\"sha256\"", "\"sha512\"", "the 'sha256' checksum is missing")]
    public void Load_WrongEnvelope_RefusedNamingTheProblem(string from, string to, string problem)
    {
        var image = Encoding.UTF8.GetString(FundedCard().ToImage()).Replace(from, to, StringComparison.Ordinal);

        var error = Assert.Throws<ImageFileException>(() => SoftCard.FromImage(Encoding.UTF8.GetBytes(image), source: "card.json"));

        Assert.Equal("card.json: " + problem, error.Message);
    }

    [Theory]
    [InlineData("memory", "00", "field 'memory' has 1 bytes, expected")]
    [InlineData("algorithm", "aes", "field 'algorithm' must be des or sm4")]
    [InlineData("ef0015", "0011", "ef0015: expected 30 bytes")]
    [InlineData("pin", "12", "field 'pin' must be 4 to 12 decimal digits")]
    [InlineData("historyRecords", 9, "field 'historyRecords' is 9, outside 10..255")]
    [InlineData("pinTryLimit", null, "field 'pinTryLimit' is missing or not an integer")]
    public void Load_ValidChecksumButBadField_RefusedNamingTheField(string field, object? value, string problem)
    {
        var image = Resign(FundedCard().ToImage(), body => body[field] = value is null ? null : JsonValue.Create(value));

        var error = Assert.Throws<ImageFileException>(() => SoftCard.FromImage(image, source: "card.json"));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("card.json: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "7FFFFFFF", null)]
    [InlineData(0, "FFFFFFFF", "balance -1 is below minus the overdraft limit 0")]
    [InlineData(11, "FF", "EF 0018 ring pointers are outside the file")]
    [InlineData(14, "02", "application blocked flag is neither 00 nor 01")]
    [InlineData(15, "09", "PIN tries left (9) exceed the limit (3)")]
    public void Load_ValidChecksumButMemoryBreaksAnInvariant_Refused(int offset, string bytes, string? problem)
    {
        var image = Resign(NewCard().ToImage(), body =>
        {
            var memory = Hex.Parse(body["memory"]!.GetValue<string>(), "memory");
            Hex.Parse(bytes, "patch").CopyTo(memory, offset);
            body["memory"] = Hex.Format(memory);
        });

        if (problem is null)
        {
            Assert.Equal(int.MaxValue, SoftCard.FromImage(image).Purse.Balance);
            return;
        }

        var error = Assert.Throws<ImageFileException>(() => SoftCard.FromImage(image, source: "card.json"));
        Assert.Equal("card.json: " + problem, error.Message);
    }

    [Fact]
    public void Load_JournalWithBadCommitFlag_Refused()
    {
        var card = NewCard();
        var journalOffset = card.DataRegionSnapshot().Length;
        var image = Resign(card.ToImage(), body =>
        {
            var memory = Hex.Parse(body["memory"]!.GetValue<string>(), "memory");
            memory[journalOffset] = 0x05;
            body["memory"] = Hex.Format(memory);
        });

        var error = Assert.Throws<ImageFileException>(() => SoftCard.FromImage(image, source: "card.json"));

        Assert.Equal("card.json: journal commit flag is 05 (expected 00 or 01)", error.Message);
    }

    [Fact]
    public void Load_MissingFile_CannotBeRead()
    {
        var path = Path.Combine(directory, "absent.json");

        var error = Assert.Throws<ImageFileException>(() => SoftCard.Load(path));

        Assert.StartsWith(path + ": cannot be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPsam_CardImageOrBadKey_Refused()
    {
        var cardError = Assert.Throws<ImageFileException>(() => SoftPsam.FromImage(FundedCard().ToImage(), "psam.json"));
        Assert.Equal("psam.json: is a 'citycard-card' file, not a citycard-psam image", cardError.Message);

        var image = Resign(NewPsam().ToImage(), body => body["purchaseMasterKeys"]![0]!["key"] = "0011");
        var keyError = Assert.Throws<ImageFileException>(() => SoftPsam.FromImage(image, "psam.json"));
        Assert.Equal("psam.json: key: expected 16 bytes (32 hex digits), got 2 bytes", keyError.Message);

        var duplicate = Resign(NewPsam().ToImage(), body => body["purchaseMasterKeys"]![1]!["algorithm"] = "des");
        var duplicateError = Assert.Throws<ImageFileException>(() => SoftPsam.FromImage(duplicate, "psam.json"));
        Assert.Equal("psam.json: keys: two des master keys of version 1", duplicateError.Message);
    }

    [Fact]
    public void Image_NeverHoldsTheIssuerMasterKeys()
    {
        var image = Encoding.UTF8.GetString(FundedCard().ToImage());

        foreach (var role in new[] { Security.Keys.KeyRole.Purchase, Security.Keys.KeyRole.Load, Security.Keys.KeyRole.Tac })
        {
            Assert.DoesNotContain(X(Demo(EpAlgorithm.Des).Master(role).ExportBytes()), image, StringComparison.Ordinal);
        }
    }

    /// <summary>Edits the body and recomputes the checksum, as a careful forger would.</summary>
    private static byte[] Resign(byte[] image, Action<JsonObject> edit)
    {
        var envelope = JsonNode.Parse(image)!.AsObject();
        var body = envelope["body"]!.AsObject();
        edit(body);
        envelope["sha256"] = Hex.Format(SHA256.HashData(Encoding.UTF8.GetBytes(body.ToJsonString())));
        return Encoding.UTF8.GetBytes(envelope.ToJsonString());
    }
}
