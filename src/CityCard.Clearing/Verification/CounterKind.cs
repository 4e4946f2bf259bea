namespace CityCard.Clearing.Verification;

/// <summary>Which of a card's sequences a record's counter belongs to.</summary>
public enum CounterKind : byte
{
    /// <summary>Offline counter: purchases and CAPP purchases.</summary>
    Offline = 1,

    /// <summary>Online counter: loads.</summary>
    Online = 2,

    /// <summary>Access events, keyed by the device's journal sequence (they touch no card counter).</summary>
    Access = 3,
}
