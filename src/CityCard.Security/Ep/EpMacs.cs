using System.Buffers.Binary;

namespace CityCard.Security.Ep;

/// <summary>
/// The MAC1 / MAC2 / TAC field lists of ED/EP purchase and load (STANDARDS.md §2.5, §6.2). Each method builds the exact
/// input on the stack and MACs it with the given prepared key; the same code serves the card, the PSAM, the host and the
/// clearing centre, so they cannot disagree.
/// </summary>
public static class EpMacs
{
    /// <summary>Session-key input for purchase: <c>RND4 ‖ OFFCTR2 ‖ TTSN[2..3]</c>.</summary>
    public static MacKey PurchaseSessionKey(EpKey dpk, uint random, ushort offlineCounter, uint ttsn)
    {
        ArgumentNullException.ThrowIfNull(dpk);
        Span<byte> input = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(input, random);
        BinaryPrimitives.WriteUInt16BigEndian(input[4..], offlineCounter);
        BinaryPrimitives.WriteUInt16BigEndian(input[6..], (ushort)(ttsn & 0xFFFF));
        return dpk.SessionKey(input);
    }

    /// <summary>Session-key input for load: <c>RND4 ‖ ONLCTR2 ‖ 80 00</c>.</summary>
    public static MacKey LoadSessionKey(EpKey dlk, uint random, ushort onlineCounter)
    {
        ArgumentNullException.ThrowIfNull(dlk);
        Span<byte> input = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(input, random);
        BinaryPrimitives.WriteUInt16BigEndian(input[4..], onlineCounter);
        input[6] = 0x80;
        input[7] = 0x00;
        return dlk.SessionKey(input);
    }

    /// <summary>Purchase MAC1 = MAC(SESPK, AMT4 ‖ TYPE1 ‖ TID6 ‖ DATE4 ‖ TIME3).</summary>
    public static uint PurchaseMac1(MacKey sessionKey, uint amount, byte type, TerminalId terminal, BcdDateTime dateTime)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        Span<byte> data = stackalloc byte[18];
        BinaryPrimitives.WriteUInt32BigEndian(data, amount);
        data[4] = type;
        terminal.WriteTo(data[5..]);
        dateTime.WriteTo(data[11..]);
        return sessionKey.Compute(data);
    }

    /// <summary>Purchase MAC2 = MAC(SESPK, AMT4).</summary>
    public static uint PurchaseMac2(MacKey sessionKey, uint amount)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        Span<byte> data = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(data, amount);
        return sessionKey.Compute(data);
    }

    /// <summary>Purchase TAC = MAC(TAC key, AMT4 ‖ TYPE1 ‖ TID6 ‖ TTSN4 ‖ DATE4 ‖ TIME3).</summary>
    public static uint PurchaseTac(MacKey tacKey, uint amount, byte type, TerminalId terminal, uint ttsn, BcdDateTime dateTime)
    {
        ArgumentNullException.ThrowIfNull(tacKey);
        Span<byte> data = stackalloc byte[22];
        BinaryPrimitives.WriteUInt32BigEndian(data, amount);
        data[4] = type;
        terminal.WriteTo(data[5..]);
        BinaryPrimitives.WriteUInt32BigEndian(data[11..], ttsn);
        dateTime.WriteTo(data[15..]);
        return tacKey.Compute(data);
    }

    /// <summary>Load MAC1 (card to host) = MAC(SESLK, BAL_BEFORE4 ‖ AMT4 ‖ TYPE1 ‖ TID6).</summary>
    public static uint LoadMac1(MacKey sessionKey, uint balanceBefore, uint amount, byte type, TerminalId terminal)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        Span<byte> data = stackalloc byte[15];
        BinaryPrimitives.WriteUInt32BigEndian(data, balanceBefore);
        BinaryPrimitives.WriteUInt32BigEndian(data[4..], amount);
        data[8] = type;
        terminal.WriteTo(data[9..]);
        return sessionKey.Compute(data);
    }

    /// <summary>Load MAC2 (host to card) = MAC(SESLK, AMT4 ‖ TYPE1 ‖ TID6 ‖ HDATE4 ‖ HTIME3).</summary>
    public static uint LoadMac2(MacKey sessionKey, uint amount, byte type, TerminalId terminal, BcdDateTime hostDateTime)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        Span<byte> data = stackalloc byte[18];
        BinaryPrimitives.WriteUInt32BigEndian(data, amount);
        data[4] = type;
        terminal.WriteTo(data[5..]);
        hostDateTime.WriteTo(data[11..]);
        return sessionKey.Compute(data);
    }

    /// <summary>Load TAC = MAC(TAC key, BAL_AFTER4 ‖ ONLCTR2 (as returned by INIT, before the increment) ‖ AMT4 ‖ TYPE1 ‖ TID6 ‖ DATE4 ‖ TIME3).</summary>
    public static uint LoadTac(MacKey tacKey, uint balanceAfter, ushort onlineCounter, uint amount, byte type, TerminalId terminal, BcdDateTime hostDateTime)
    {
        ArgumentNullException.ThrowIfNull(tacKey);
        Span<byte> data = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32BigEndian(data, balanceAfter);
        BinaryPrimitives.WriteUInt16BigEndian(data[4..], onlineCounter);
        BinaryPrimitives.WriteUInt32BigEndian(data[6..], amount);
        data[10] = type;
        terminal.WriteTo(data[11..]);
        hostDateTime.WriteTo(data[17..]);
        return tacKey.Compute(data);
    }
}
