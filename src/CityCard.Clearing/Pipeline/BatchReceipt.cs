using CityCard.Clearing.Outcomes;

namespace CityCard.Clearing.Pipeline;

/// <summary>
/// The centre's answer to one uploaded file. It is stored; uploading the same batch again, or concurrently, returns the
/// stored receipt, so every uploader of a batch gets the same answer.
/// </summary>
public sealed record BatchReceipt
{
    /// <summary>SHA-256 of the file, upper-case hex.</summary>
    public required string FileSha256 { get; init; }

    /// <summary>Device id from the header, when the header could be read.</summary>
    public uint? DeviceId { get; init; }

    /// <summary>Batch number from the header, when the header could be read.</summary>
    public uint? BatchNumber { get; init; }

    /// <summary>Cleared or refused.</summary>
    public required BatchStatus Status { get; init; }

    /// <summary>Why the file was refused (null when cleared).</summary>
    public FileRefusal? Refusal { get; init; }

    /// <summary>A sentence naming the problem of a refused file; empty when cleared.</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>The business day the batch belongs to (the day in which the device closed it); null when refused before the header was read.</summary>
    public DateOnly? BusinessDate { get; init; }

    /// <summary>Per-outcome counts and amounts (all zero for a refused file).</summary>
    public OutcomeTotals Totals { get; init; } = new();

    /// <summary>When the centre first received it.</summary>
    public DateTimeOffset ReceivedUtc { get; init; }
}
