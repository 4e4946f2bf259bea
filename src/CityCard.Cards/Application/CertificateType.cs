namespace CityCard.Cards.Application;

/// <summary>The cardholder's identity-document type (持卡人证件类型, EF 0016 byte 54), PBOC codes.</summary>
public enum CertificateType : byte
{
    /// <summary><c>00</c> resident identity card (身份证).</summary>
    IdentityCard = 0x00,

    /// <summary><c>01</c> military officer card (军官证).</summary>
    OfficerCard = 0x01,

    /// <summary><c>02</c> passport (护照).</summary>
    Passport = 0x02,

    /// <summary><c>03</c> entry permit (入境证).</summary>
    EntryPermit = 0x03,

    /// <summary><c>04</c> temporary identity card (临时身份证).</summary>
    TemporaryIdentityCard = 0x04,

    /// <summary><c>05</c> other.</summary>
    Other = 0x05,
}
