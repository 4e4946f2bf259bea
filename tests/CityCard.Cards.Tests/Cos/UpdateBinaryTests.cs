using CityCard.Cards.Application;
using CityCard.Cards.Cos;
using CityCard.Cards.Transactions;
using CityCard.Security.Ep;
using static CityCard.Cards.Tests.Support.T;

namespace CityCard.Cards.Tests.Cos;

/// <summary>Line-protected UPDATE BINARY (<c>04 D6</c>) of EF 0015 and EF 0019 under the maintenance key, and EF 0019 itself.</summary>
public sealed class UpdateBinaryTests
{
    private const string SelectAid = "00A4040009A00000000386980701";

    [Theory]
    [InlineData(EpAlgorithm.Des)]
    [InlineData(EpAlgorithm.Sm4)]
    public void UpdateBinary_ValidLineMac_RewritesCardTypeAndConcessionDate(EpAlgorithm algorithm)
    {
        var card = FundedCard(algorithm);
        var damk = KeysOf(card).Maintenance;
        Send(card, SelectAid);
        var concession = new ConcessionData { ValidUntil = new DateOnly(2027, 8, 31), VerifiedOn = new DateOnly(2026, 9, 1) };

        Assert.Equal(0x9000, CardMaintenance.UpdateBinary(card, damk, CityCardApplication.PublicInfoSfi, 28, [(byte)CardType.Student]));
        Assert.Equal(0x9000, CardMaintenance.UpdateBinary(card, damk, CityCardApplication.ConcessionSfi, 0, concession.ToBytes()));

        Assert.Equal(CardType.Student, card.PublicInfo.CardType);
        Assert.Equal(CardType.Student, CardReader.Read(card).PublicInfo!.CardType);
        Assert.Equal((ConcessionRead.Read, concession), CardMaintenance.ReadConcession(card));
        var reloaded = SoftCard.FromImage(card.ToImage());
        Assert.Equal((CardType.Student, concession), (reloaded.PublicInfo.CardType, reloaded.Concession));
        Assert.False(concession.AppliesOn(new DateOnly(2027, 9, 1)));
        Assert.True(concession.AppliesOn(new DateOnly(2027, 8, 31)));
    }

    [Fact]
    public void UpdateBinary_WrongMacNoChallengeOrBadContents_RefusedAndNothingChanged()
    {
        var card = FundedCard();
        var damk = KeysOf(card).Maintenance;
        var other = Demo(EpAlgorithm.Des).DeriveCardKeys(Security.Keys.DemoKeySet.HomeCity, AsnOf(99)).Maintenance;
        Send(card, SelectAid);
        var before = card.PublicInfo;

        Assert.Equal(0x9302, CardMaintenance.UpdateBinary(card, other, CityCardApplication.PublicInfoSfi, 28, [0x02]));
        Assert.Equal(0x6985, Sw(card.Transmit(CardCommands.UpdateBinary(CityCardApplication.PublicInfoSfi, 28, [0x02], 0))));
        // The card number (bytes 12..19) cannot change: the card's keys are diversified from it.
        Assert.Equal(0x6A80, CardMaintenance.UpdateBinary(card, damk, CityCardApplication.PublicInfoSfi, 19, [0x09]));
        Assert.Equal(0x6A80, CardMaintenance.UpdateBinary(card, damk, CityCardApplication.ConcessionSfi, 0, [0x20, 0x27, 0x13, 0x01]));
        Assert.Equal(0x6700, CardMaintenance.UpdateBinary(card, damk, CityCardApplication.ConcessionSfi, 4, new byte[5]));
        Assert.Equal(0x6B00, CardMaintenance.UpdateBinary(card, damk, CityCardApplication.ConcessionSfi, 8, [0x00]));
        Assert.Equal(0x6981, CardMaintenance.UpdateBinary(card, damk, CityCardApplication.HistorySfi, 0, [0x00]));
        Assert.Equal(0x6A82, CardMaintenance.UpdateBinary(card, damk, 0x1A, 0, [0x00]));

        Assert.Equal(before, card.PublicInfo);
        Assert.Equal(ConcessionData.None, card.Concession);
    }

    [Fact]
    public void ConcessionFile_CardPersonalisedWithoutIt_AnswersFileNotFound()
    {
        var card = SoftCard.Create(new CardPersonalization { PublicInfo = NewCard().PublicInfo, Concession = null }, KeysOf(NewCard()));
        Send(card, SelectAid);

        Assert.Equal(ConcessionRead.Absent, CardMaintenance.ReadConcession(card).Outcome);
        Assert.Null(SoftCard.FromImage(card.ToImage()).Concession);
        Assert.Equal(0x6A82, Send(card, "00A40000020019"));
    }
}
