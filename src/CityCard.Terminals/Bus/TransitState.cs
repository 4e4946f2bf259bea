using System.Buffers.Binary;
using CityCard.Cards.Application;
using CityCard.Security.Ep;

namespace CityCard.Terminals.Bus;

/// <summary>
/// The transit record CityCard keeps on the card in CAPP record 1 of SFI 0x17 (48 bytes), written atomically with each
/// bus fare by composite purchase. Layout: state(1) ‖ line(2) ‖ stop(2) ‖ date-time BCD(7) ‖ fare fen(4) ‖
/// validator terminal(6) ‖ transfers in chain(1) ‖ zeros. State 0 = none, 1 = entered a distance line (no exit yet),
/// 2 = boarded / trip finished. The next validator reads it for transfers, exits and unfinished trips.
/// </summary>
public sealed record TransitState(byte State, ushort Line, ushort Stop, BcdDateTime? When, uint FareFen, TerminalId Terminal, byte Transfers)
{
    /// <summary>The CAPP record number used.</summary>
    public const byte RecordNumber = 1;

    /// <summary>No transit use yet.</summary>
    public const byte None = 0;

    /// <summary>Entered a distance line, not exited.</summary>
    public const byte Entered = 1;

    /// <summary>Boarded (flat fare) or exited.</summary>
    public const byte Finished = 2;

    /// <summary>Parses the 48 bytes; unknown content reads as no state (a card never used on a bus).</summary>
    public static TransitState Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < CityCardApplication.CappRecordLength || bytes[0] is not (Entered or Finished) || !BcdDateTime.TryRead(bytes[5..12], out var when))
        {
            return new TransitState(None, 0, 0, null, 0, default, 0);
        }

        return new TransitState(bytes[0], BinaryPrimitives.ReadUInt16BigEndian(bytes[1..]), BinaryPrimitives.ReadUInt16BigEndian(bytes[3..]), when,
            BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]), TerminalId.Read(bytes[16..]), bytes[22]);
    }

    /// <summary>The 48 bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[CityCardApplication.CappRecordLength];
        bytes[0] = State;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), Line);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(3), Stop);
        When?.WriteTo(bytes.AsSpan(5));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), FareFen);
        Terminal.WriteTo(bytes.AsSpan(16));
        bytes[22] = Transfers;
        return bytes;
    }
}
