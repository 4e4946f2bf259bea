using CityCard.Records;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Registry;

/// <summary>
/// A registered terminal or collector. Its upload key is never stored: it is derived from the issuer terminal master key
/// and <see cref="DeviceId"/> whenever a file is checked (docs/batch-format.md).
/// </summary>
public sealed record Device
{
    /// <summary>The id the centre assigned (header bytes 12..15).</summary>
    public required uint DeviceId { get; init; }

    /// <summary>What kind of device it is.</summary>
    public required DeviceKind Kind { get; init; }

    /// <summary>The operator or merchant that owns the device.</summary>
    public required uint OperatorId { get; init; }

    /// <summary>The device's PSAM terminal number (zero for a collector).</summary>
    public TerminalId PsamTerminal { get; init; }

    /// <summary>Active or revoked.</summary>
    public DeviceStatus Status { get; init; } = DeviceStatus.Active;

    /// <summary>The latest blacklist version the device is known to have picked up.</summary>
    public uint BlacklistVersion { get; init; }

    /// <summary>When it was registered.</summary>
    public DateTimeOffset RegisteredUtc { get; init; }
}
