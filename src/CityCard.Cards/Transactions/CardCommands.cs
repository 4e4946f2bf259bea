using System.Buffers.Binary;
using CityCard.Cards.Apdu;
using CityCard.Cards.Application;
using CityCard.Security.Ep;

namespace CityCard.Cards.Transactions;

/// <summary>Builders of the card command APDUs of STANDARDS.md §1.2 and §6.2, byte for byte as a terminal sends them.</summary>
public static class CardCommands
{
    /// <summary><c>00 A4 04 00 09 A00000000386980701</c>: SELECT the city-card application by AID.</summary>
    public static byte[] SelectApplication() => CommandApdu.Build(0x00, 0xA4, 0x04, 0x00, CityCardApplication.Aid);

    /// <summary><c>00 A4 00 00 02 FID</c>: SELECT by file identifier.</summary>
    public static byte[] SelectFile(ushort fileId)
    {
        Span<byte> data = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(data, fileId);
        return CommandApdu.Build(0x00, 0xA4, 0x00, 0x00, data);
    }

    /// <summary><c>00 B0 (80|SFI) offset Le</c>: READ BINARY by SFI (Le 256 is sent as 00).</summary>
    public static byte[] ReadBinary(byte sfi, byte offset, int expectedLength) =>
        CommandApdu.Build(0x00, 0xB0, (byte)(0x80 | (sfi & 0x1F)), offset, default, expectedLength);

    /// <summary><c>00 B2 record (SFI&lt;&lt;3|4) Le</c>: READ RECORD by SFI.</summary>
    public static byte[] ReadRecord(byte sfi, byte recordNumber, int expectedLength) =>
        CommandApdu.Build(0x00, 0xB2, recordNumber, (byte)(((sfi & 0x1F) << 3) | 0x04), default, expectedLength);

    /// <summary><c>80 5C 00 02 04</c>: GET BALANCE of the electronic purse.</summary>
    public static byte[] GetBalance() => CommandApdu.Build(0x80, 0x5C, 0x00, 0x02, default, 4);

    /// <summary><c>00 20 00 00 Lc PIN</c>: VERIFY with the PIN digits as BCD (an odd count padded with F).</summary>
    public static byte[] VerifyPin(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        var bcd = Cos.PinCodec.Encode(digits) ?? throw new ArgumentException("digits: a PIN has 4 to 12 decimal digits", nameof(digits));
        return CommandApdu.Build(0x00, 0x20, 0x00, 0x00, bcd);
    }

    /// <summary><c>00 84 00 00 Le</c>: GET CHALLENGE of 4 or 8 bytes.</summary>
    public static byte[] GetChallenge(int length = 4) =>
        length is 4 or 8
            ? CommandApdu.Build(0x00, 0x84, 0x00, 0x00, default, length)
            : throw new ArgumentOutOfRangeException(nameof(length), length, "a challenge has 4 or 8 bytes");

    /// <summary><c>80 50 01 02 0B keyIndex amount terminal 0F</c>: INITIALIZE FOR PURCHASE.</summary>
    public static byte[] InitializeForPurchase(uint amount, TerminalId terminal, byte keyIndex = CityCardApplication.KeyIndex) =>
        Initialize(0x01, keyIndex, amount, terminal, 0x0F);

    /// <summary><c>80 50 03 02 0B keyIndex amount terminal 0F</c>: INITIALIZE FOR CAPP PURCHASE.</summary>
    public static byte[] InitializeForCappPurchase(uint amount, TerminalId terminal, byte keyIndex = CityCardApplication.KeyIndex) =>
        Initialize(0x03, keyIndex, amount, terminal, 0x0F);

    /// <summary><c>80 50 00 02 0B keyIndex amount terminal 10</c>: INITIALIZE FOR LOAD.</summary>
    public static byte[] InitializeForLoad(uint amount, TerminalId terminal, byte keyIndex = CityCardApplication.KeyIndex) =>
        Initialize(0x00, keyIndex, amount, terminal, 0x10);

    /// <summary><c>80 DC record (SFI&lt;&lt;3) Lc data</c>: UPDATE CAPP DATA CACHE.</summary>
    public static byte[] UpdateCappDataCache(byte recordNumber, ReadOnlySpan<byte> data, byte sfi = CityCardApplication.CappSfi) =>
        CommandApdu.Build(0x80, 0xDC, recordNumber, (byte)((sfi & 0x1F) << 3), data);

    /// <summary><c>80 54 01 00 0F TTSN date time MAC1 08</c>: DEBIT FOR PURCHASE / CAPP PURCHASE.</summary>
    public static byte[] DebitForPurchase(uint ttsn, BcdDateTime when, uint mac1)
    {
        Span<byte> data = stackalloc byte[15];
        BinaryPrimitives.WriteUInt32BigEndian(data, ttsn);
        when.WriteTo(data[4..]);
        BinaryPrimitives.WriteUInt32BigEndian(data[11..], mac1);
        return CommandApdu.Build(0x80, 0x54, 0x01, 0x00, data, 8);
    }

    /// <summary><c>80 52 00 00 0B date time MAC2 04</c>: CREDIT FOR LOAD.</summary>
    public static byte[] CreditForLoad(BcdDateTime hostDateTime, uint mac2)
    {
        Span<byte> data = stackalloc byte[11];
        hostDateTime.WriteTo(data);
        BinaryPrimitives.WriteUInt32BigEndian(data[7..], mac2);
        return CommandApdu.Build(0x80, 0x52, 0x00, 0x00, data, 4);
    }

    /// <summary><c>80 5A 00 type 02 counter 08</c>: GET TRANSACTION PROVE, counter = the card's counter after the transaction.</summary>
    public static byte[] GetTransactionProve(byte transactionType, ushort counterAfter)
    {
        Span<byte> data = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(data, counterAfter);
        return CommandApdu.Build(0x80, 0x5A, 0x00, transactionType, data, 8);
    }

    /// <summary><c>84 1E 00 00 04 MAC</c>: APPLICATION BLOCK; <paramref name="mac"/> from <c>LineMac</c> over <see cref="ApplicationBlockHeader"/>.</summary>
    public static byte[] ApplicationBlock(uint mac) => LineProtected(0x1E, mac);

    /// <summary><c>84 18 00 00 04 MAC</c>: APPLICATION UNBLOCK; <paramref name="mac"/> from <c>LineMac</c> over <see cref="ApplicationUnblockHeader"/>.</summary>
    public static byte[] ApplicationUnblock(uint mac) => LineProtected(0x18, mac);

    /// <summary>The header the APPLICATION BLOCK MAC covers: <c>84 1E 00 00 04</c>.</summary>
    public static ReadOnlySpan<byte> ApplicationBlockHeader => [0x84, 0x1E, 0x00, 0x00, 0x04];

    /// <summary>The header the APPLICATION UNBLOCK MAC covers: <c>84 18 00 00 04</c>.</summary>
    public static ReadOnlySpan<byte> ApplicationUnblockHeader => [0x84, 0x18, 0x00, 0x00, 0x04];

    /// <summary>
    /// The bytes the line MAC of UPDATE BINARY covers: <c>04 D6 (80|SFI) offset Lc ‖ data</c>, Lc counting the 4 MAC bytes.
    /// </summary>
    public static byte[] UpdateBinaryMacData(byte sfi, byte offset, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data.Length > 250)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, "UPDATE BINARY writes 1..250 bytes");
        }

        var bytes = new byte[5 + data.Length];
        bytes[0] = 0x04;
        bytes[1] = 0xD6;
        bytes[2] = (byte)(0x80 | sfi);
        bytes[3] = offset;
        bytes[4] = (byte)(data.Length + 4);
        data.CopyTo(bytes.AsSpan(5));
        return bytes;
    }

    /// <summary><c>04 D6 (80|SFI) offset Lc data ‖ MAC</c>: line-protected UPDATE BINARY; <paramref name="mac"/> from <c>LineMac</c> over <see cref="UpdateBinaryMacData"/>.</summary>
    public static byte[] UpdateBinary(byte sfi, byte offset, ReadOnlySpan<byte> data, uint mac)
    {
        var body = new byte[data.Length + 4];
        data.CopyTo(body);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(data.Length), mac);
        return CommandApdu.Build(0x04, 0xD6, (byte)(0x80 | sfi), offset, body);
    }

    private static byte[] Initialize(byte p1, byte keyIndex, uint amount, TerminalId terminal, int expectedLength)
    {
        Span<byte> data = stackalloc byte[11];
        data[0] = keyIndex;
        BinaryPrimitives.WriteUInt32BigEndian(data[1..], amount);
        terminal.WriteTo(data[5..]);
        return CommandApdu.Build(0x80, 0x50, p1, 0x02, data, expectedLength);
    }

    private static byte[] LineProtected(byte ins, uint mac)
    {
        Span<byte> data = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(data, mac);
        return CommandApdu.Build(0x84, ins, 0x00, 0x00, data);
    }
}
