namespace CityCard.Terminals.Parameters;

/// <summary>
/// The payload of a delta parameter file (format version 2): how to turn the installed version
/// <see cref="BaseVersion"/> into <see cref="Version"/>. A delta changes only the blacklist (and the version fields);
/// when anything else changed the centre sends a full file. The result is checked against the centre's signature over
/// the full resulting payload, so a delta applied to the wrong base can never be installed.
/// </summary>
public sealed record ParameterDelta
{
    /// <summary>The parameter version the delta produces.</summary>
    public required uint Version { get; init; }

    /// <summary>The parameter version it applies to.</summary>
    public required uint BaseVersion { get; init; }

    /// <summary>SHA-256 (hex) of the base version's payload bytes as the centre signed them.</summary>
    public required string BaseSha256 { get; init; }

    /// <summary>Publication instant of the resulting version.</summary>
    public DateTimeOffset PublishedUtc { get; init; }

    /// <summary>Blacklist version of the base.</summary>
    public uint BaseBlacklistVersion { get; init; }

    /// <summary>Blacklist version of the result.</summary>
    public uint BlacklistVersion { get; init; }

    /// <summary>Cards added to the blacklist (ASNs, 16 hex digits).</summary>
    public IReadOnlyList<string> Add { get; init; } = [];

    /// <summary>Cards taken off the blacklist.</summary>
    public IReadOnlyList<string> Remove { get; init; } = [];
}
