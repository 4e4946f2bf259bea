using CityCard.Cards.Cos;
using CityCard.Cards.Transactions;
using CityCard.Security.Ep;
using static CityCard.Cards.Tests.Support.T;

namespace CityCard.Cards.Tests.Cos;

/// <summary>Every status word the card answers, each reached by at least one command.</summary>
public sealed class SoftCardStatusWordTests
{
    private const string SelectAid = "00A4040009A00000000386980701";

    [Theory]
    [InlineData("00A404", 0x6700)]
    [InlineData("00A40400", 0x6700)]
    [InlineData("00A4000003001500", 0x6700)]
    [InlineData("00A4040000", 0x6700)]
    [InlineData("00A40400FF01", 0x6700)]
    [InlineData("00A4040009A000000003869807", 0x6700)]
    [InlineData("90A4040000", 0x6E00)]
    [InlineData("FF", 0x6700)]
    [InlineData("", 0x6700)]
    [InlineData("00CA000000", 0x6D00)]
    [InlineData("80A4040000", 0x6D00)]
    [InlineData("00A4040109A00000000386980701", 0x6A86)]
    [InlineData("00A4020002001500", 0x6A86)]
    [InlineData("00A4040009A00000000386980702", 0x6A82)]
    [InlineData("00A40000020015", 0x6A82)]
    [InlineData("00A40000023F00", 0x9000)]
    [InlineData("00A40000021001", 0x9000)]
    [InlineData("00A404000E315041592E5359532E4444463031", 0x9000)]
    [InlineData("00B2010C00", 0x9000)]
    [InlineData("00B2020C00", 0x6A83)]
    [InlineData("00B201C417", 0x6A82)]
    [InlineData("805C000204", 0x6985)]
    public void Transmit_FromMasterFile_AnswersStatusWord(string command, int expected)
    {
        var card = NewCard();

        Assert.Equal(expected, Send(card, command));
    }

    [Theory]
    [InlineData("805C000204", 0x9000)]
    [InlineData("805C000200", 0x9000)]
    [InlineData("805C000004", 0x6A86)]
    [InlineData("805C000104", 0x6A86)]
    [InlineData("805C010204", 0x6A86)]
    [InlineData("805C000208", 0x6700)]
    [InlineData("805C0002020000", 0x6700)]
    [InlineData("00B095001E", 0x9000)]
    [InlineData("00B0950000", 0x9000)]
    [InlineData("00B0950A14", 0x9000)]
    [InlineData("00B0951E01", 0x6B00)]
    [InlineData("00B0950A15", 0x6700)]
    [InlineData("00B09500", 0x6700)]
    [InlineData("00B0E50000", 0x6A86)]
    [InlineData("00B0850000", 0x6A82)]
    [InlineData("00B0960000", 0x6982)]
    [InlineData("00B0980000", 0x6981)]
    [InlineData("00B0000000", 0x6985)]
    [InlineData("00B201C417", 0x6A83)]
    [InlineData("00B201BC30", 0x9000)]
    [InlineData("00B201BC00", 0x9000)]
    [InlineData("00B205BC30", 0x6A83)]
    [InlineData("00B201BC20", 0x6700)]
    [InlineData("00B201C017", 0x6A86)]
    [InlineData("00B201AC17", 0x6981)]
    [InlineData("00B2010417", 0x6985)]
    [InlineData("00B201D417", 0x6A82)]
    [InlineData("00B201CC17", 0x6981)]
    [InlineData("0084000004", 0x9000)]
    [InlineData("0084000008", 0x9000)]
    [InlineData("0084000010", 0x6700)]
    [InlineData("0084000104", 0x6A86)]
    [InlineData("805000020B0100000001000000010001", 0x9000)]
    [InlineData("805001020B01000000010000000100010F", 0x9401)]
    [InlineData("805001020B02000000000000000100010F", 0x9403)]
    [InlineData("805001020B01000000000000000100010F", 0x9000)]
    [InlineData("805001020A010000000000000001000F", 0x6700)]
    [InlineData("805001020B01000000000000000100011F", 0x6700)]
    [InlineData("805001010B01000000000000000100010F", 0x6A86)]
    [InlineData("805002020B01000000000000000100010F", 0x6A86)]
    [InlineData("805003010B01000000000000000100010F", 0x6A86)]
    [InlineData("805400000F000000012025031512000000000000" + "08", 0x6A86)]
    [InlineData("805401000F000000012025031512000000000000" + "08", 0x6985)]
    [InlineData("805401000E00000001202503151200000000000008", 0x6700)]
    [InlineData("805200000B202503151200000000000004", 0x6985)]
    [InlineData("805201000B202503151200000000000004", 0x6A86)]
    [InlineData("805200000C20250315120000000000000004", 0x6700)]
    [InlineData("80DC01B830" + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", 0x6985)]
    [InlineData("80DC01BC30" + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", 0x6A86)]
    [InlineData("80DC01C030" + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", 0x6A82)]
    [InlineData("80DC09B830" + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", 0x6A83)]
    [InlineData("80DC01B80100", 0x6700)]
    [InlineData("805A0006020001", 0x6985)]
    [InlineData("805A0007020001", 0x6A86)]
    [InlineData("805A0106020001", 0x6A86)]
    [InlineData("805A000603000100", 0x6700)]
    [InlineData("841E00000400000000", 0x6985)]
    [InlineData("841E01000400000000", 0x6A86)]
    [InlineData("841E000003000000", 0x6700)]
    [InlineData("8418000004000000", 0x6700)]
    [InlineData("0020000003123456", 0x9000)]
    [InlineData("0020000003123457", 0x63C2)]
    [InlineData("00200000", 0x63C3)]
    [InlineData("0020000001FF", 0x6700)]
    [InlineData("0020000103123456", 0x6A86)]
    public void Transmit_InApplication_AnswersStatusWord(string command, int expected)
    {
        var card = NewCard();
        Assert.Equal(0x9000, Send(card, SelectAid));

        Assert.Equal(expected, Send(card, command));
    }

    [Fact]
    public void Verify_ThreeWrongPins_BlocksThePinEvenForTheRightOne()
    {
        var card = NewCard();
        Send(card, SelectAid);

        Assert.Equal(0x63C2, Send(card, "0020000003111111"));
        Assert.Equal(0x63C1, Send(card, "0020000003222222"));
        Assert.Equal(0x6983, Send(card, "0020000003333333"));
        Assert.Equal(0x6983, Send(card, "0020000003123456"));
        Assert.Equal(0, card.PinTriesRemaining);
    }

    [Fact]
    public void Verify_RightPinAfterWrongOne_ResetsTheTriesAndOpensEf0016UntilReselect()
    {
        var card = new Cards.Issuance.CardIssuer(Demo(EpAlgorithm.Des)).Issue(Request() with
        {
            Cardholder = new Cards.Application.Cardholder("张三", "11010519491231002X", Cards.Application.CertificateType.IdentityCard),
        });
        Send(card, SelectAid);

        Assert.Equal(0x63C2, Send(card, "0020000003000000"));
        Assert.Equal(0x9000, Send(card, "0020000003123456"));
        Assert.Equal(3, card.PinTriesRemaining);
        var ef0016 = card.Transmit(H("00B0960037"));
        Assert.True(Cards.Application.Cardholder.TryParse(ef0016.AsSpan(0, 55), out var holder));
        Assert.Equal(("张三", "11010519491231002X"), (holder!.Name, holder.IdNumber));
        Assert.Equal("11010519491231002X", System.Text.Encoding.ASCII.GetString(card.Transmit(H("00B0961612")), 0, 18));

        Send(card, SelectAid);
        Assert.Equal(0x6982, Send(card, "00B0960037"));
    }

    [Fact]
    public void InitForPurchase_CounterAtMaximum_9402AndNeverWraps()
    {
        var card = SoftCard.Create(
            Personalization(initialBalance: 1_000, online: 0xFFFF, offline: 0xFFFF),
            KeysFor(),
            new SoftCardOptions { Random = new Cards.Chip.SeededRandomSource(3) });
        Send(card, SelectAid);

        Assert.Equal(0x9402, Send(card, "805001020B01000000010000000100010F"));
        Assert.Equal(0x9402, Send(card, "805003020B01000000010000000100010F"));
        Assert.Equal(0x9402, Send(card, "805000020B010000000100000001000110"));
        Assert.Equal(PurchaseOutcome.CounterExhausted, new PurchaseExchange(NewPsam()).Purchase(card, 1, Noon).Outcome);
        Assert.Equal(LoadOutcome.CounterExhausted, Loader(EpAlgorithm.Des).Load(card, 1).Outcome);
        Assert.Equal(new PurseState(1_000, 0, 0xFFFF, 0xFFFF), card.Purse);
    }

    [Fact]
    public void InitForPurchase_OneBelowMaximum_LastPurchaseThenCounterAtMaximum()
    {
        var card = SoftCard.Create(Personalization(initialBalance: 1_000, online: 0, offline: 0xFFFE), KeysFor());
        var exchange = new PurchaseExchange(NewPsam());

        Assert.Equal(PurchaseOutcome.Completed, exchange.Purchase(card, 1, Noon).Outcome);
        Assert.Equal(0xFFFF, card.Purse.OfflineCounter);
        Assert.Equal(PurchaseOutcome.CounterExhausted, exchange.Purchase(card, 1, Noon).Outcome);
    }

    [Fact]
    public void Debit_WrongMac1_9302AndTheSessionEnds()
    {
        var card = FundedCard();
        Send(card, SelectAid);
        Assert.Equal(0x9000, Send(card, "805001020B01000000010000000100010F"));

        Assert.Equal(0x9302, Send(card, "805401000F000000012025031512000012345678"));
        Assert.Equal(0x6985, Send(card, "805401000F000000012025031512000012345678"));
        Assert.Equal(10_000, card.Purse.Balance);
    }

    [Fact]
    public void Debit_DateTimeNotBcd_6A80()
    {
        var card = FundedCard();
        Send(card, SelectAid);
        Send(card, "805001020B01000000010000000100010F");

        Assert.Equal(0x6A80, Send(card, "805401000F0000000120251315120000CAE4DA98"));
        Assert.Equal(10_000, card.Purse.Balance);
    }

    [Fact]
    public void Credit_WrongMac2_9302AndNothingCredited()
    {
        var card = NewCard();
        Send(card, SelectAid);
        Assert.Equal(0x9000, Send(card, "805000020B010000271011223344556610"));

        Assert.Equal(0x9302, Send(card, "805200000B202401011200001DE69E9004"));
        Assert.Equal(new PurseState(0, 0, 0, 0), card.Purse);
    }

    [Fact]
    public void AnyCommandBetweenInitAndDebit_EndsTheSession()
    {
        var card = FundedCard();
        var psam = NewPsam();
        Send(psam, "00A40000021001");
        Send(card, SelectAid);
        var init = card.Transmit(CardCommands.InitializeForPurchase(5, PosTerminal));
        Assert.True(PurchaseInitResponse.TryParse(init.AsSpan(0, 15), out var initData));
        var sam = psam.Transmit(Cards.Transactions.PsamCommands.InitializeForPurchase(
            initData.Random, initData.OfflineCounter, 5, TransactionType.Purchase, Noon, initData.KeyVersion, initData.AlgorithmId, card.Asn, card.PublicInfo.City.DiversificationFactor()));
        var ttsn = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(sam);
        var mac1 = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(sam.AsSpan(4));

        Assert.Equal(0x9000, Send(card, "805C000204"));
        Assert.Equal(0x6985, Sw(card.Transmit(CardCommands.DebitForPurchase(ttsn, Noon, mac1))));
        Assert.Equal(10_000, card.Purse.Balance);
    }

    [Fact]
    public void CreditAfterPurchaseInit_6985()
    {
        var card = FundedCard();
        Send(card, SelectAid);
        Send(card, "805001020B01000000010000000100010F");

        Assert.Equal(0x6985, Send(card, "805200000B202401011200001DE69E9004"));
    }

    [Fact]
    public void UpdateCappDataCache_AfterSimplePurchaseInit_6985()
    {
        var card = FundedCard();
        Send(card, SelectAid);
        Send(card, "805001020B01000000010000000100010F");

        Assert.Equal(0x6985, Sw(card.Transmit(CardCommands.UpdateCappDataCache(1, CappData(3)))));
    }

    [Theory]
    [InlineData(EpAlgorithm.Des)]
    [InlineData(EpAlgorithm.Sm4)]
    public void ApplicationBlock_ValidLineMac_RefusesPurchaseAndLoadUntilUnblocked(EpAlgorithm algorithm)
    {
        var card = FundedCard(algorithm);
        var damk = KeysOf(card).Maintenance;
        Send(card, SelectAid);

        var challenge = card.Transmit(CardCommands.GetChallenge())[..4];
        Assert.Equal(0x9000, Sw(card.Transmit(CardCommands.ApplicationBlock(LineMac.Compute(damk, challenge, CardCommands.ApplicationBlockHeader)))));

        Assert.True(card.IsBlocked);
        Assert.Equal(0x6A81, Send(card, "805001020B01000000010000000100010F"));
        Assert.Equal(0x6A81, Send(card, "805003020B01000000010000000100010F"));
        Assert.Equal(0x6A81, Send(card, "805000020B010000000100000001000110"));
        Assert.Equal(PurchaseOutcome.Blocked, new PurchaseExchange(NewPsam()).Purchase(card, 1, Noon).Outcome);
        Assert.Equal(LoadOutcome.Blocked, Loader(algorithm).Load(card, 1).Outcome);
        Assert.Equal(0x9000, Send(card, "805C000204"));

        Send(card, SelectAid);
        challenge = card.Transmit(CardCommands.GetChallenge(8))[..8];
        Assert.Equal(0x9000, Sw(card.Transmit(CardCommands.ApplicationUnblock(LineMac.Compute(damk, challenge, CardCommands.ApplicationUnblockHeader)))));
        Assert.False(card.IsBlocked);
        Assert.True(new PurchaseExchange(NewPsam()).Purchase(card, 1, Noon).IsCompleted);
    }

    [Fact]
    public void ApplicationBlock_WrongMacOrStaleChallenge_Refused()
    {
        var card = FundedCard();
        var damk = KeysOf(card).Maintenance;
        Send(card, SelectAid);

        var challenge = card.Transmit(CardCommands.GetChallenge())[..4];
        Assert.Equal(0x9302, Sw(card.Transmit(CardCommands.ApplicationBlock(LineMac.Compute(damk, challenge, CardCommands.ApplicationUnblockHeader)))));
        Assert.Equal(0x6985, Sw(card.Transmit(CardCommands.ApplicationBlock(LineMac.Compute(damk, challenge, CardCommands.ApplicationBlockHeader)))));

        challenge = card.Transmit(CardCommands.GetChallenge())[..4];
        Send(card, "805C000204");
        Assert.Equal(0x6985, Sw(card.Transmit(CardCommands.ApplicationBlock(LineMac.Compute(damk, challenge, CardCommands.ApplicationBlockHeader)))));
        Assert.False(card.IsBlocked);
    }

    [Fact]
    public void LineMac_DesCard_IsRetailMacOverChallengeAndHeader()
    {
        var key = EpKey.Create(EpAlgorithm.Des, H("000102030405060708090A0B0C0D0E0F"));

        var mac = LineMac.Compute(key, H("11223344"), H("841E000004"));

        Assert.Equal(Security.Macs.IsoMac.MacRetail(key.ExportBytes(), H("1122334400000000"), H("841E000004")), mac);
    }

    private static CardPersonalization Personalization(int initialBalance, ushort online, ushort offline) => new()
    {
        PublicInfo = new Cards.Application.CardPublicInfo
        {
            City = Security.Keys.DemoKeySet.HomeCity,
            Asn = AsnOf(7),
            ValidFrom = new DateOnly(2025, 1, 1),
            ValidUntil = new DateOnly(2030, 1, 1),
        },
        InitialBalance = initialBalance,
        InitialOnlineCounter = online,
        InitialOfflineCounter = offline,
    };

    private static Security.Keys.CardKeys KeysFor() => Demo(EpAlgorithm.Des).DeriveCardKeys(Security.Keys.DemoKeySet.HomeCity, AsnOf(7));
}
