using CityCard.Security.Ep;

namespace CityCard.Records.Batches;

/// <summary>The header of a batch file (48 bytes, docs/batch-format.md).</summary>
public sealed record BatchHeader
{
    /// <summary>Kind of the device that wrote the batch.</summary>
    public required DeviceKind DeviceKind { get; init; }

    /// <summary>The device id the centre assigned to the terminal (or collector); its upload key is derived from it.</summary>
    public required uint DeviceId { get; init; }

    /// <summary>The device's PSAM terminal number (zero for a collector, whose records carry their meters' numbers).</summary>
    public TerminalId PsamTerminal { get; init; }

    /// <summary>Batch number, increasing per device from 1; with the device id it identifies the batch.</summary>
    public required uint BatchNumber { get; init; }

    /// <summary>When the batch was closed (UTC).</summary>
    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>The operator or merchant that owns the device.</summary>
    public uint OperatorId { get; init; }

    /// <summary>The parameter-file version the device had when it closed the batch.</summary>
    public uint ParameterVersion { get; init; }
}
