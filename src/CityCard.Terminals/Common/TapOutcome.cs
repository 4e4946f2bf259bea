namespace CityCard.Terminals.Common;

/// <summary>What happened when a card was presented.</summary>
public enum TapOutcome
{
    /// <summary>Charged (or loaded) and recorded.</summary>
    Completed,

    /// <summary>Distance line entry recorded; the fare is charged at exit.</summary>
    Entered,

    /// <summary>The same card within the repeat window: not charged again.</summary>
    AlreadyPaid,

    /// <summary>A torn transaction of this card was completed with GET TRANSACTION PROVE; not charged again.</summary>
    Recovered,

    /// <summary>Refused (balance, blocked, blacklisted, expired, not accepted); nothing charged.</summary>
    Refused,

    /// <summary>The card left before the transaction finished; present it again.</summary>
    PresentAgain,

    /// <summary>No money moved; an event was recorded (door, attendance).</summary>
    Recorded,
}
