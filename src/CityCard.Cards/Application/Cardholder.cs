using System.Text;

namespace CityCard.Cards.Application;

/// <summary>
/// EF 0016, the cardholder data (持卡人基本数据, 55 bytes, STANDARDS.md §3.1): reserved(1) ‖ staff flag(1) ‖
/// name(20, GBK, 00-padded) ‖ ID number(32, ASCII, 00-padded) ‖ certificate type(1). Reading it needs VERIFY PIN.
/// </summary>
public sealed record Cardholder
{
    /// <summary>Length of EF 0016.</summary>
    public const int Length = 55;

    /// <summary>Bytes of the name field.</summary>
    public const int NameLength = 20;

    /// <summary>Bytes of the ID-number field.</summary>
    public const int IdNumberLength = 32;

    private static readonly Encoding Gbk = CodePagesEncodingProvider.Instance.GetEncoding(936)
        ?? throw new InvalidOperationException("the GBK code page (936) is not available");

    /// <summary>Creates cardholder data; throws when a field does not fit its bytes.</summary>
    public Cardholder(string name, string idNumber, CertificateType certificateType, bool isStaff = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(idNumber);
        if (Gbk.GetByteCount(name) > NameLength)
        {
            throw new ArgumentException($"name: at most {NameLength} bytes in GBK (10 Chinese characters), got {Gbk.GetByteCount(name)}", nameof(name));
        }

        if (idNumber.Length > IdNumberLength || !idNumber.All(c => c is >= '!' and <= '~'))
        {
            throw new ArgumentException($"idNumber: at most {IdNumberLength} printable ASCII characters", nameof(idNumber));
        }

        Name = name;
        IdNumber = idNumber;
        CertificateType = certificateType;
        IsStaff = isStaff;
    }

    /// <summary>An anonymous card: empty name and ID number.</summary>
    public static Cardholder Anonymous { get; } = new(string.Empty, string.Empty, CertificateType.IdentityCard);

    /// <summary>The cardholder's name.</summary>
    public string Name { get; }

    /// <summary>The identity-document number.</summary>
    public string IdNumber { get; }

    /// <summary>The identity-document type.</summary>
    public CertificateType CertificateType { get; }

    /// <summary>The staff flag (本行职工标识, byte 1).</summary>
    public bool IsStaff { get; }

    /// <summary>Encodes the 55 bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        bytes[1] = IsStaff ? (byte)0x01 : (byte)0x00;
        Gbk.GetBytes(Name, bytes.AsSpan(2, NameLength));
        Encoding.ASCII.GetBytes(IdNumber, bytes.AsSpan(2 + NameLength, IdNumberLength));
        bytes[Length - 1] = (byte)CertificateType;
        return bytes;
    }

    /// <summary>Decodes the 55 bytes; false when the length is wrong or a field is not decodable.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out Cardholder? cardholder)
    {
        cardholder = null;
        if (bytes.Length != Length)
        {
            return false;
        }

        var name = Gbk.GetString(TrimZeros(bytes.Slice(2, NameLength)));
        var idBytes = TrimZeros(bytes.Slice(2 + NameLength, IdNumberLength));
        foreach (var b in idBytes)
        {
            if (b is < (byte)'!' or > (byte)'~')
            {
                return false;
            }
        }

        if (name.Contains('\uFFFD', StringComparison.Ordinal))
        {
            return false;
        }

        cardholder = new Cardholder(name, Encoding.ASCII.GetString(idBytes), (CertificateType)bytes[Length - 1], bytes[1] == 0x01);
        return true;
    }

    private static ReadOnlySpan<byte> TrimZeros(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return end < 0 ? field : field[..end];
    }
}
