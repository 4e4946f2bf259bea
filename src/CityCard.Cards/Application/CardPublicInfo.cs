using System.Buffers.Binary;
using CityCard.Security.Ep;

namespace CityCard.Cards.Application;

/// <summary>
/// EF 0015, the city card's public application data (公共应用基本数据, 30 bytes, STANDARDS.md §3.1):
/// issuer code(2) ‖ city code(2) ‖ industry code(2) ‖ reserved(2) ‖ enabled flag(1) ‖ application version(1) ‖
/// interoperability flag(2) ‖ ASN(8) ‖ valid-from YYYYMMDD(4) ‖ valid-until YYYYMMDD(4) ‖ card type(1) ‖ card sub-type(1).
/// </summary>
public sealed record CardPublicInfo
{
    /// <summary>Length of EF 0015.</summary>
    public const int Length = 30;

    /// <summary>Issuer code (发卡方代码), bytes 0..1.</summary>
    public ushort IssuerCode { get; init; }

    /// <summary>City code (城市代码), bytes 2..3; also the city-level key factor.</summary>
    public required CityCode City { get; init; }

    /// <summary>Industry code (行业代码), bytes 4..5.</summary>
    public ushort IndustryCode { get; init; }

    /// <summary>Bytes 6..7, reserved (some cities put an application type here).</summary>
    public ushort Reserved { get; init; }

    /// <summary>Application enabled flag (启用标识), byte 8: 01 = enabled.</summary>
    public byte EnabledFlag { get; init; } = 0x01;

    /// <summary>Application version (应用版本), byte 9.</summary>
    public byte ApplicationVersion { get; init; } = 0x01;

    /// <summary>Interoperability flag (互通标识), bytes 10..11.</summary>
    public ushort InteroperabilityFlag { get; init; }

    /// <summary>The application serial number (card number), bytes 12..19; the card-level key factor.</summary>
    public required Asn Asn { get; init; }

    /// <summary>First day of validity (应用启用日期), bytes 20..23.</summary>
    public required DateOnly ValidFrom { get; init; }

    /// <summary>Last day of validity (应用有效日期), bytes 24..27.</summary>
    public required DateOnly ValidUntil { get; init; }

    /// <summary>Card type, byte 28 (see <see cref="Application.CardType"/>).</summary>
    public CardType CardType { get; init; } = CardType.Ordinary;

    /// <summary>Card sub-type, byte 29 (00 on CityCard cards).</summary>
    public byte CardSubtype { get; init; }

    /// <summary>True when the application is enabled and <paramref name="day"/> lies within the validity dates.</summary>
    public bool IsValidOn(DateOnly day) => EnabledFlag == 0x01 && day >= ValidFrom && day <= ValidUntil;

    /// <summary>Decodes the 30 bytes; false when the length is wrong or a date is not a valid BCD date.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out CardPublicInfo? info)
    {
        info = null;
        if (bytes.Length != Length
            || !BcdDate.TryRead(bytes[20..24], out var validFrom)
            || !BcdDate.TryRead(bytes[24..28], out var validUntil))
        {
            return false;
        }

        info = new CardPublicInfo
        {
            IssuerCode = BinaryPrimitives.ReadUInt16BigEndian(bytes),
            City = new CityCode(BinaryPrimitives.ReadUInt16BigEndian(bytes[2..])),
            IndustryCode = BinaryPrimitives.ReadUInt16BigEndian(bytes[4..]),
            Reserved = BinaryPrimitives.ReadUInt16BigEndian(bytes[6..]),
            EnabledFlag = bytes[8],
            ApplicationVersion = bytes[9],
            InteroperabilityFlag = BinaryPrimitives.ReadUInt16BigEndian(bytes[10..]),
            Asn = Asn.Read(bytes[12..20]),
            ValidFrom = validFrom,
            ValidUntil = validUntil,
            CardType = (CardType)bytes[28],
            CardSubtype = bytes[29],
        };
        return true;
    }

    /// <summary>Encodes the 30 bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, IssuerCode);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), City.Value);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(4), IndustryCode);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(6), Reserved);
        bytes[8] = EnabledFlag;
        bytes[9] = ApplicationVersion;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(10), InteroperabilityFlag);
        Asn.WriteTo(bytes.AsSpan(12));
        BcdDate.Write(ValidFrom, bytes.AsSpan(20));
        BcdDate.Write(ValidUntil, bytes.AsSpan(24));
        bytes[28] = (byte)CardType;
        bytes[29] = CardSubtype;
        return bytes;
    }
}
