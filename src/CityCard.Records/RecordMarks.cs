namespace CityCard.Records;

/// <summary>Record flags (byte 1).</summary>
[Flags]
public enum RecordMarks : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>The terminal lost the card's answer and recovered MAC2 ‖ TAC with GET TRANSACTION PROVE.</summary>
    RecoveredByProve = 1,

    /// <summary>Access event: the door or reader allowed the card.</summary>
    AccessAllowed = 2,
}
