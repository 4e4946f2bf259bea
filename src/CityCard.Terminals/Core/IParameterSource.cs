namespace CityCard.Terminals.Core;

/// <summary>Where a terminal gets its signed parameter files from (the centre over HTTP, or a folder).</summary>
public interface IParameterSource
{
    /// <summary>
    /// The file that brings a terminal from <paramref name="haveVersion"/> up to date — a delta or a full file — or null
    /// when it is already up to date. <paramref name="haveVersion"/> 0 asks for the full file.
    /// </summary>
    byte[]? Fetch(uint haveVersion);
}
