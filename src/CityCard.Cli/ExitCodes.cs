namespace CityCard.Cli;

/// <summary>Process exit codes of the tool.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The command ran and found a problem (a failed verification, an unreadable file).</summary>
    public const int Failed = 1;

    /// <summary>Wrong arguments.</summary>
    public const int Usage = 2;
}
