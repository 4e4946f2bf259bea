using CityCard.Records;

namespace CityCard.Terminals.Core;

/// <summary>
/// A terminal's installation settings (its data folder's <c>terminal.json</c>): identity, owner, upload key, the centre's
/// parameter-signing public key and batch limits. Written once at installation; the upload key is this device's own secret.
/// </summary>
public sealed record TerminalConfig
{
    /// <summary>Device id assigned by the centre.</summary>
    public required uint DeviceId { get; init; }

    /// <summary>Kind of device.</summary>
    public required DeviceKind Kind { get; init; }

    /// <summary>Operator or merchant paid for this device's sales (taxi: the company).</summary>
    public required uint OperatorId { get; init; }

    /// <summary>The device's batch upload key, 32 hex digits (docs/batch-format.md).</summary>
    public required string UploadKey { get; init; }

    /// <summary>The centre's Ed25519 parameter-signing public key, 64 hex digits.</summary>
    public required string ParameterPublicKey { get; init; }

    /// <summary>Bus line (bus validators) or vehicle number (taxi meters) or door id (door readers).</summary>
    public ushort Line { get; init; }

    /// <summary>Close the open batch when it holds this many records.</summary>
    public int BatchMaxRecords { get; init; } = 500;

    /// <summary>Close the open batch when its oldest record is this many minutes old.</summary>
    public int BatchMaxMinutes { get; init; } = 60;
}
