namespace CityCard.Cards.Application;

/// <summary>
/// Identifiers and sizes of the city-card ED/EP application (STANDARDS.md §0, §1.1, §3.1): its AID, file identifiers,
/// short file identifiers and record lengths. Shared by the card, the drivers and readers.
/// </summary>
public static class CityCardApplication
{
    /// <summary>File identifier of the master file.</summary>
    public const ushort MasterFileId = 0x3F00;

    /// <summary>File identifier of the application's ADF under the MF.</summary>
    public const ushort AdfFileId = 0x1001;

    /// <summary>File identifier of the MF's DIR file (SFI 01).</summary>
    public const ushort DirFileId = 0x0001;

    /// <summary>SFI of the MF's DIR file.</summary>
    public const byte DirSfi = 0x01;

    /// <summary>SFI of EF 0015, the public application data (30 bytes).</summary>
    public const byte PublicInfoSfi = 0x15;

    /// <summary>SFI of EF 0016, the cardholder data (needs VERIFY PIN).</summary>
    public const byte CardholderSfi = 0x16;

    /// <summary>SFI of EF 0017, the composite-purchase (CAPP) record file for transit entry and exit.</summary>
    public const byte CappSfi = 0x17;

    /// <summary>SFI of EF 0018, the cyclic transaction-record file (newest is record 1).</summary>
    public const byte HistorySfi = 0x18;

    /// <summary>SFI of EF 0019, the concession's annual verification data (<see cref="ConcessionData"/>).</summary>
    public const byte ConcessionSfi = 0x19;

    /// <summary>Length of a CAPP record in EF 0017.</summary>
    public const int CappRecordLength = 48;

    /// <summary>How many EF 0018 records a generic reader reads by default.</summary>
    public const int DefaultReadRecords = 10;

    /// <summary>The key index (密钥标识) of the card's one purchase key and one load key.</summary>
    public const byte KeyIndex = 0x01;

    /// <summary>The application identifier <c>A00000000386980701</c>.</summary>
    public static ReadOnlySpan<byte> Aid => [0xA0, 0x00, 0x00, 0x00, 0x03, 0x86, 0x98, 0x07, 0x01];

    /// <summary>The payment system environment name <c>1PAY.SYS.DDF01</c> that also selects the MF.</summary>
    public static ReadOnlySpan<byte> PaymentSystemName => "1PAY.SYS.DDF01"u8;

    /// <summary>The MF DIR record naming the application: <c>61 11 4F 09 &lt;AID&gt; 50 04 "PBOC"</c>.</summary>
    public static ReadOnlySpan<byte> DirRecord =>
        [0x61, 0x11, 0x4F, 0x09, 0xA0, 0x00, 0x00, 0x00, 0x03, 0x86, 0x98, 0x07, 0x01, 0x50, 0x04, 0x50, 0x42, 0x4F, 0x43];
}
