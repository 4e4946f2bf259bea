using CityCard.Cards.Psam;
using CityCard.Cards.Transactions;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using static CityCard.Cards.Tests.Support.T;

namespace CityCard.Cards.Tests.Psam;

/// <summary>The PSAM's commands and status words.</summary>
public sealed class SoftPsamTests
{
    // Scenario A's 80 70 body (STANDARDS.md §6.3) with the key version and algorithm bytes at offsets 18 and 19.
    private const string ScenarioAMac1Body = "47800CF70006000000010620081009140759" + "0100" + "2144000000000001" + "2144FF0000000000";

    [Theory]
    [InlineData("00B0960006", "0000000100019000")]
    [InlineData("00B0960000", "0000000100019000")]
    [InlineData("00B0960204", "000100019000")]
    [InlineData("00B0960007", "6700")]
    [InlineData("00B0960600", "6B00")]
    [InlineData("00B0950006", "6A82")]
    [InlineData("00B0F60006", "6A86")]
    [InlineData("00B0000006", "6985")]
    [InlineData("00A40000021001", "9000")]
    [InlineData("00A40000023F00", "9000")]
    [InlineData("00A40000021002", "6A82")]
    [InlineData("00A4040009A00000000386980701", "6A82")]
    [InlineData("00A4000001FF", "6700")]
    [InlineData("00A4000003100100", "6700")]
    [InlineData("00A40001021001", "6A86")]
    [InlineData("8070000024" + ScenarioAMac1Body, "6985")]
    [InlineData("8072000004DD20AE4E", "6985")]
    [InlineData("84720000", "6E00")]
    [InlineData("80CA000000", "6D00")]
    [InlineData("807200", "6700")]
    public void Transmit_AnswersStatusWord(string command, string expected)
    {
        Assert.Equal(expected, X(NewPsam().Transmit(H(command))));
    }

    [Theory]
    [InlineData("8070000024" + ScenarioAMac1Body + "08", "9000")]
    [InlineData("8070000124" + ScenarioAMac1Body, "6A86")]
    [InlineData("8070000020" + "47800CF70006000000010620081009140759010021440000000000012144FF00", "6700")]
    [InlineData("8070000024" + ScenarioAMac1Body + "04", "6700")]
    [InlineData("8070000024" + "47800CF70006000000010220081009140759" + "0100" + "2144000000000001" + "2144FF0000000000", "6A80")]
    [InlineData("8070000024" + "47800CF70006000000010620081309140759" + "0100" + "2144000000000001" + "2144FF0000000000", "6A80")]
    [InlineData("8070000024" + "47800CF70006000000010620081009140759" + "0101" + "2144000000000001" + "2144FF0000000000", "6A86")]
    [InlineData("8070000024" + "47800CF70006000000010620081009140759" + "0200" + "2144000000000001" + "2144FF0000000000", "9403")]
    [InlineData("8072000004DD20AE4E", "6985")]
    public void Transmit_InPurchaseApplication_AnswersStatusWord(string command, string expected)
    {
        var psam = ScenarioAPsam();
        Assert.Equal(0x9000, Send(psam, "00A40000021001"));

        Assert.Equal(expected, X(psam.Transmit(H(command)).AsSpan()[^2..]));
    }

    [Fact]
    public void VerifyMac2_WrongThenRight_TtsnAdvancesOnlyOnSuccess()
    {
        var psam = ScenarioAPsam();
        Send(psam, "00A40000021001");
        Assert.Equal("00000029CAE4DA989000", X(psam.Transmit(H("8070000024" + ScenarioAMac1Body + "08"))));

        Assert.Equal(0x9302, Send(psam, "8072000004DD20AE4F"));
        Assert.Equal(0x29u, psam.TransactionSerial);
        Assert.Equal(0x9000, Send(psam, "8072000004DD20AE4E"));
        Assert.Equal(0x2Au, psam.TransactionSerial);
        Assert.Equal(0x6985, Send(psam, "8072000004DD20AE4E"));
        Assert.Equal(0x2Au, psam.TransactionSerial);
    }

    [Fact]
    public void InitForPurchase_OneLevelLc1C_DiversifiesByAsnOnly()
    {
        var mpk = EpKey.Create(EpAlgorithm.Des, H("000102030405060708090A0B0C0D0E0F"));
        var psam = SoftPsam.Create(PosTerminal, [new PsamMasterKey(1, mpk)], 0x29);
        Send(psam, "00A40000021001");

        var response = psam.Transmit(H("807000001C" + ScenarioAMac1Body[..56] + "08"));

        var sessionKey = EpMacs.PurchaseSessionKey(mpk.Diversify(H("2144000000000001")), 0x47800CF7, 6, 0x29);
        var mac1 = EpMacs.PurchaseMac1(sessionKey, 1, TransactionType.Purchase, PosTerminal, BcdDateTime.Parse("20081009140759", "when"));
        Assert.Equal("00000029" + X(mac1) + "9000", X(response));
    }

    [Fact]
    public void InitForPurchase_TtsnAtMaximum_9402()
    {
        var psam = SoftPsam.Create(PosTerminal, [Demo(EpAlgorithm.Des)], uint.MaxValue);
        Send(psam, "00A40000021001");

        Assert.Equal(0x9402, Send(psam, "8070000024" + ScenarioAMac1Body));
    }

    [Fact]
    public void Create_TwoKeysOfOneVersionAndAlgorithm_Refused()
    {
        var key = new PsamMasterKey(1, Demo(EpAlgorithm.Des).Master(KeyRole.Purchase));

        var error = Assert.Throws<ArgumentException>(() => SoftPsam.Create(PosTerminal, [key, key]));
        Assert.Contains("two des master keys of version 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PsamAndKeys_ToString_NeverShowsKeyBytes()
    {
        var psam = NewPsam();

        Assert.All(psam.MasterKeys, key => Assert.DoesNotContain(X(key.Key.ExportBytes()), key.ToString(), StringComparison.Ordinal));
        Assert.Equal("PsamMasterKey(version 1, sm4)", psam.MasterKeys[1].ToString());
    }

    [Fact]
    public void PowerOn_ForgetsSelectionAndPendingMac2()
    {
        var psam = ScenarioAPsam();
        Send(psam, "00A40000021001");
        Send(psam, "8070000024" + ScenarioAMac1Body);

        psam.PowerOn();

        Assert.Equal(0x6985, Send(psam, "8072000004DD20AE4E"));
        Assert.Equal(0x6985, Send(psam, "8070000024" + ScenarioAMac1Body));
    }

    [Fact]
    public void Exchange_PsamWithoutPurchaseApplication_PsamRefused()
    {
        var result = new PurchaseExchange(FundedCard()).Purchase(FundedCard(), 1, Noon);

        Assert.Equal(PurchaseOutcome.PsamRefused, result.Outcome);
    }

    private static SoftPsam ScenarioAPsam() =>
        SoftPsam.Create(PosTerminal, [new PsamMasterKey(1, EpKey.Create(EpAlgorithm.Des, H("000102030405060708090A0B0C0D0E0F")))], 0x29);
}
