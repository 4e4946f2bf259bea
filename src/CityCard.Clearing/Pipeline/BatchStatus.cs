namespace CityCard.Clearing.Pipeline;

/// <summary>What happened to a batch file as a whole.</summary>
public enum BatchStatus : byte
{
    /// <summary>The file verified; each record has its own outcome.</summary>
    Cleared = 1,

    /// <summary>The file was refused whole (stored with the reason, nothing cleared).</summary>
    Refused = 2,
}
