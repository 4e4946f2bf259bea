using System.Buffers.Binary;
using CityCard.Security.Ep;

namespace CityCard.Cards.Application;

/// <summary>
/// One 23-byte record of EF 0018 (交易明细, STANDARDS.md §3.1): counter(2) ‖ overdraft limit(3) ‖ amount(4) ‖ type(1) ‖
/// terminal(6) ‖ date-time(7). The counter is the one the transaction used (the value INIT returned): the offline
/// counter for purchases, the online counter for loads.
/// </summary>
public sealed record TransactionRecord(ushort Counter, int OverdraftLimit, uint Amount, byte Type, TerminalId Terminal, BcdDateTime DateTime)
{
    /// <summary>Length of a record.</summary>
    public const int Length = 23;

    /// <summary>The signed effect on the balance in fen: +amount for a load, −amount for a purchase.</summary>
    public long BalanceEffect => Type == TransactionType.Load ? Amount : -(long)Amount;

    /// <summary>Decodes 23 bytes; false when the length is wrong or the date-time is not valid BCD.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out TransactionRecord? record)
    {
        record = null;
        if (bytes.Length != Length || !BcdDateTime.TryRead(bytes[16..23], out var when))
        {
            return false;
        }

        var overdraft = (bytes[2] << 16) | (bytes[3] << 8) | bytes[4];
        record = new TransactionRecord(
            BinaryPrimitives.ReadUInt16BigEndian(bytes),
            overdraft,
            BinaryPrimitives.ReadUInt32BigEndian(bytes[5..]),
            bytes[9],
            TerminalId.Read(bytes[10..16]),
            when);
        return true;
    }

    /// <summary>Encodes the 23 bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, Counter);
        destination[2] = (byte)((OverdraftLimit >> 16) & 0xFF);
        destination[3] = (byte)((OverdraftLimit >> 8) & 0xFF);
        destination[4] = (byte)(OverdraftLimit & 0xFF);
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], Amount);
        destination[9] = Type;
        Terminal.WriteTo(destination[10..]);
        DateTime.WriteTo(destination[16..]);
    }
}
