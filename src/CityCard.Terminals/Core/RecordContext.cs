using CityCard.Records;

namespace CityCard.Terminals.Core;

/// <summary>The business context a terminal adds to a card transaction in its record.</summary>
public sealed record RecordContext
{
    /// <summary>Merchant or operator paid.</summary>
    public uint MerchantId { get; init; }

    /// <summary>Line / route.</summary>
    public ushort Line { get; init; }

    /// <summary>Stop or entry stop.</summary>
    public ushort Stop { get; init; }

    /// <summary>Exit stop, or door direction.</summary>
    public ushort ExitStop { get; init; }

    /// <summary>Full fare or price before discounts, fen.</summary>
    public long FullFareFen { get; init; }

    /// <summary>Why the amount differs from the full fare.</summary>
    public DiscountKind Discount { get; init; }

    /// <summary>Terminal-specific value (docs/batch-format.md).</summary>
    public uint Extra1 { get; init; }

    /// <summary>Terminal-specific value (docs/batch-format.md).</summary>
    public uint Extra2 { get; init; }
}
