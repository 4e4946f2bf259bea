using CityCard.Terminals.Parameters;

namespace CityCard.Terminals.Core;

/// <summary>The outcome of <see cref="TerminalCore.FetchParameters"/>.</summary>
/// <param name="PreviousVersion">The version installed before.</param>
/// <param name="Installed">The parameters in force now.</param>
/// <param name="Delta">True when a delta was applied.</param>
/// <param name="FellBackToFull">True when a delta did not fit and the full file was installed instead.</param>
public sealed record ParameterFetch(uint PreviousVersion, TerminalParameters Installed, bool Delta, bool FellBackToFull)
{
    /// <summary>True when nothing newer was installed.</summary>
    public bool UpToDate => Installed.Version == PreviousVersion;
}
