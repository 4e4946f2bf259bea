namespace CityCard.Terminals.Parameters;

/// <summary>
/// The parameters a terminal works by, as published by the centre in one signed, versioned file: fares, transfers,
/// concessions, merchant discounts, the taxi tariff, the blacklist and the accepted key versions. Amounts are fen.
/// </summary>
public sealed record TerminalParameters
{
    /// <summary>Parameter version; a terminal accepts only a higher version than the one it has.</summary>
    public required uint Version { get; init; }

    /// <summary>When the centre published it (UTC).</summary>
    public DateTimeOffset PublishedUtc { get; init; }

    /// <summary>Card key versions terminals accept.</summary>
    public IReadOnlyList<byte> AcceptedKeyVersions { get; init; } = [1];

    /// <summary>Version of the blacklist contained here.</summary>
    public uint BlacklistVersion { get; init; }

    /// <summary>Blacklisted cards (ASNs, 16 hex digits).</summary>
    public IReadOnlyList<string> Blacklist { get; init; } = [];

    /// <summary>Bus fares.</summary>
    public BusFares Bus { get; init; } = new();

    /// <summary>Concessions by card type.</summary>
    public IReadOnlyList<ConcessionRule> Concessions { get; init; } = [];

    /// <summary>Merchant discount rules.</summary>
    public IReadOnlyList<MerchantDiscountRule> MerchantDiscounts { get; init; } = [];

    /// <summary>Taxi tariff.</summary>
    public TaxiTariff Taxi { get; init; } = new();

    /// <summary>Door allow-lists: door id → allowed card types (empty = any registered card type) and explicit ASNs.</summary>
    public IReadOnlyList<DoorRule> Doors { get; init; } = [];
}
