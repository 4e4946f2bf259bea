using CityCard.Cards.Application;
using CityCard.Cards.Cos;
using CityCard.Security.Ep;

namespace CityCard.Cards.Issuance;

/// <summary>What an issuer decides about a new card. Unset optional values take the defaults documented on each property.</summary>
public sealed record CardIssueRequest
{
    /// <summary>The card number; must follow <see cref="AsnNumbering"/>.</summary>
    public required Asn Asn { get; init; }

    /// <summary>First day of validity.</summary>
    public required DateOnly ValidFrom { get; init; }

    /// <summary>Last day of validity.</summary>
    public required DateOnly ValidUntil { get; init; }

    /// <summary>The card's city; null = the key set's home city.</summary>
    public CityCode? City { get; init; }

    /// <summary>The card type (EF 0015 byte 28).</summary>
    public CardType CardType { get; init; } = CardType.Ordinary;

    /// <summary>Issuer code (EF 0015 bytes 0..1); null = the city code's value.</summary>
    public ushort? IssuerCode { get; init; }

    /// <summary>Industry code (EF 0015 bytes 4..5).</summary>
    public ushort IndustryCode { get; init; }

    /// <summary>Interoperability flag (EF 0015 bytes 10..11).</summary>
    public ushort InteroperabilityFlag { get; init; }

    /// <summary>EF 0016; anonymous by default.</summary>
    public Cardholder Cardholder { get; init; } = Cardholder.Anonymous;

    /// <summary>The PIN (4 to 12 digits).</summary>
    public string Pin { get; init; } = CardPersonalization.DefaultPin;

    /// <summary>Overdraft limit in fen.</summary>
    public int OverdraftLimit { get; init; }

    /// <summary>EF 0018 size (10..255 records).</summary>
    public int HistoryRecordCount { get; init; } = CardPersonalization.MinHistoryRecords;

    /// <summary>EF 0017 size (1..16 records of 48 bytes).</summary>
    public int CappRecordCount { get; init; } = 4;

    /// <summary>The concession's last valid day (annual verification), written to EF 0019; null: none.</summary>
    public DateOnly? ConcessionValidUntil { get; init; }
}
