using System.Buffers.Binary;
using CityCard.Cards.Apdu;
using CityCard.Cards.Psam;
using CityCard.Security.Ep;

namespace CityCard.Cards.Transactions;

/// <summary>Builders of the PSAM command APDUs of STANDARDS.md §2.6 and §6.2.</summary>
public static class PsamCommands
{
    /// <summary><c>00 B0 96 00 06</c>: read the terminal number.</summary>
    public static byte[] ReadTerminalNumber() => CommandApdu.Build(0x00, 0xB0, 0x80 | SoftPsam.TerminalInfoSfi, 0x00, default, TerminalId.Length);

    /// <summary><c>00 A4 00 00 02 1001</c>: SELECT the purchase ADF.</summary>
    public static byte[] SelectPurchaseApplication() => CardCommands.SelectFile(SoftPsam.AdfFileId);

    /// <summary>
    /// <c>80 70 00 00 Lc</c> RND ‖ counter ‖ amount ‖ type ‖ date-time ‖ key version ‖ algorithm ‖ ASN [‖ F2] <c>08</c>:
    /// INIT SAM FOR PURCHASE. With <paramref name="levelTwoFactor"/> (8 bytes) Lc is 24 (two-level key), without it 1C.
    /// </summary>
    public static byte[] InitializeForPurchase(
        uint cardRandom, ushort offlineCounter, uint amount, byte transactionType, BcdDateTime when, byte keyVersion, byte algorithmId, Asn asn, ReadOnlySpan<byte> levelTwoFactor = default)
    {
        if (levelTwoFactor.Length is not (0 or 8))
        {
            throw new ArgumentException($"levelTwoFactor: expected 8 bytes or none, got {levelTwoFactor.Length}", nameof(levelTwoFactor));
        }

        Span<byte> data = stackalloc byte[0x24];
        BinaryPrimitives.WriteUInt32BigEndian(data, cardRandom);
        BinaryPrimitives.WriteUInt16BigEndian(data[4..], offlineCounter);
        BinaryPrimitives.WriteUInt32BigEndian(data[6..], amount);
        data[10] = transactionType;
        when.WriteTo(data[11..]);
        data[18] = keyVersion;
        data[19] = algorithmId;
        asn.WriteTo(data[20..]);
        levelTwoFactor.CopyTo(data[28..]);
        return CommandApdu.Build(0x80, 0x70, 0x00, 0x00, data[..(28 + levelTwoFactor.Length)], 8);
    }

    /// <summary><c>80 72 00 00 04 MAC2</c>: CREDIT SAM FOR PURCHASE (verify MAC2).</summary>
    public static byte[] VerifyMac2(uint mac2)
    {
        Span<byte> data = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(data, mac2);
        return CommandApdu.Build(0x80, 0x72, 0x00, 0x00, data);
    }
}
