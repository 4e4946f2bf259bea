namespace CityCard.Cards.Application;

/// <summary>
/// The card type, stored in EF 0015 byte 28 (byte 29 is a sub-type, 00 on CityCard cards). The codes are CityCard's
/// own (docs/card.md); cards of other issuers may carry values not listed here.
/// </summary>
public enum CardType : byte
{
    /// <summary><c>01</c> 普通卡, full fare.</summary>
    Ordinary = 0x01,

    /// <summary><c>02</c> 学生卡, student concession.</summary>
    Student = 0x02,

    /// <summary><c>03</c> 老人卡, elderly concession.</summary>
    Elder = 0x03,

    /// <summary><c>04</c> 残疾人卡, disability concession.</summary>
    Disabled = 0x04,

    /// <summary><c>05</c> 职工卡, staff (employer) card.</summary>
    Staff = 0x05,
}
