using System.Buffers.Binary;
using CityCard.Cards.Apdu;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Cards.Psam;

/// <summary>
/// A software PSAM (terminal security module, STANDARDS.md §2.6): it holds the issuers' purchase master keys by key
/// version and algorithm, the 6-byte terminal number and the 4-byte terminal transaction serial (TTSN), and answers
/// <c>00 B0 96 00 06</c> (terminal number), SELECT of ADF 1001, <c>80 70</c> (MAC1) and <c>80 72</c> (verify MAC2).
/// </summary>
/// <remarks>
/// <para><c>80 70 00 00</c> Lc 1C diversifies once (<c>DPK = Div(MPK, ASN)</c>), Lc 24 twice
/// (<c>DPK = Div(Div(MPK, F2), ASN)</c>). An algorithm-identifier byte other than 00 or 04 is an invalid parameter
/// (<c>6A86</c>); a valid one for which the PSAM holds no key of that version is <c>9403</c>. The TTSN advances only when
/// <c>80 72</c> verifies MAC2; a wrong MAC2 (<c>9302</c>) keeps the pending MAC1 session so the terminal may retry with the
/// MAC2 that GET TRANSACTION PROVE recovers after a tear. The TTSN never wraps: at FFFFFFFF <c>80 70</c> answers <c>9402</c>.</para>
/// <para>No input bytes make <see cref="Transmit"/> throw. Not thread-safe: a PSAM sits in one terminal.</para>
/// </remarks>
public sealed partial class SoftPsam : IApduChannel
{
    /// <summary>File identifier of the PSAM's purchase application ADF.</summary>
    public const ushort AdfFileId = 0x1001;

    /// <summary>SFI of the MF file holding the 6-byte terminal number (read with <c>00 B0 96 00 06</c>).</summary>
    public const byte TerminalInfoSfi = 0x16;

    private const int CacheLimit = 256;
    private readonly Dictionary<(byte Version, EpAlgorithm Algorithm), EpKey> masterKeys;
    private readonly Dictionary<(byte Version, EpAlgorithm Algorithm, ulong Factor), EpKey> levelOneKeys = [];
    private readonly byte[] terminalBytes = new byte[TerminalId.Length];
    private bool adfSelected;
    private (MacKey SessionKey, uint Amount)? pending;

    private SoftPsam(TerminalId terminal, IEnumerable<PsamMasterKey> keys, uint transactionSerial)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Terminal = terminal;
        terminal.WriteTo(terminalBytes);
        TransactionSerial = transactionSerial;
        masterKeys = [];
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (!masterKeys.TryAdd((key.KeyVersion, key.Algorithm), key.Key))
            {
                throw new ArgumentException($"keys: two {key.Algorithm.Name()} master keys of version {key.KeyVersion}", nameof(keys));
            }
        }

        MasterKeys = [.. masterKeys.Select(pair => new PsamMasterKey(pair.Key.Version, pair.Value)).OrderBy(k => k.KeyVersion).ThenBy(k => k.Algorithm)];
    }

    /// <summary>The terminal number (终端机编号) this PSAM gives and signs with.</summary>
    public TerminalId Terminal { get; }

    /// <summary>The TTSN the next <c>80 70</c> will use.</summary>
    public uint TransactionSerial { get; private set; }

    /// <summary>The purchase master keys held, by version and algorithm.</summary>
    public IReadOnlyList<PsamMasterKey> MasterKeys { get; }

    /// <summary>Creates a PSAM holding the given purchase master keys.</summary>
    public static SoftPsam Create(TerminalId terminal, IEnumerable<PsamMasterKey> keys, uint transactionSerial = 0) =>
        new(terminal, keys, transactionSerial);

    /// <summary>Creates a PSAM holding the purchase master keys of the given issuer key sets (e.g. the DES and SM4 demo sets).</summary>
    public static SoftPsam Create(TerminalId terminal, IEnumerable<IssuerKeySet> keySets, uint transactionSerial = 0)
    {
        ArgumentNullException.ThrowIfNull(keySets);
        return new(terminal, keySets.Select(set => new PsamMasterKey(set.KeyVersion, set.Master(KeyRole.Purchase))), transactionSerial);
    }

    /// <summary>Power-on reset: forgets the selection and any pending MAC1 session.</summary>
    public void PowerOn()
    {
        adfSelected = false;
        pending = null;
    }

    /// <inheritdoc />
    public byte[] Transmit(ReadOnlySpan<byte> command)
    {
        if (command.Length < CommandApdu.HeaderLength)
        {
            return Status(StatusWords.WrongLength);
        }

        byte cla = command[0], ins = command[1];
        if (cla is not (0x00 or 0x80))
        {
            return Status(StatusWords.ClassNotSupported);
        }

        if ((cla, ins) is not ((0x00, 0xA4) or (0x00, 0xB0) or (0x80, 0x70) or (0x80, 0x72)))
        {
            return Status(StatusWords.InstructionNotSupported);
        }

        if (!CommandApdu.TryParse(command, out var apdu))
        {
            return Status(StatusWords.WrongLength);
        }

        return ins switch
        {
            0xA4 => Select(apdu),
            0xB0 => ReadBinary(apdu),
            0x70 => InitializeForPurchase(apdu),
            _ => VerifyMac2(apdu),
        };
    }

    private static byte[] Status(ushort statusWord) => [(byte)(statusWord >> 8), (byte)(statusWord & 0xFF)];

    private static byte[] Success(ReadOnlySpan<byte> data)
    {
        var response = new byte[data.Length + 2];
        data.CopyTo(response);
        response[^2] = 0x90;
        return response;
    }

    private byte[] Select(CommandApdu apdu)
    {
        if (apdu.P1 is not (0x00 or 0x04) || apdu.P2 != 0x00)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        if (apdu.P1 == 0x04)
        {
            return Status(apdu.Data.IsEmpty ? StatusWords.WrongLength : StatusWords.FileNotFound);
        }

        if (apdu.Data.Length is not (0 or 2))
        {
            return Status(StatusWords.WrongLength);
        }

        var fileId = apdu.Data.IsEmpty ? (ushort)0x3F00 : BinaryPrimitives.ReadUInt16BigEndian(apdu.Data);
        switch (fileId)
        {
            case 0x3F00:
                adfSelected = false;
                return Success(default);
            case AdfFileId:
                adfSelected = true;
                return Success(default);
            default:
                return Status(StatusWords.FileNotFound);
        }
    }

    private byte[] ReadBinary(CommandApdu apdu)
    {
        if (!apdu.Data.IsEmpty || apdu.ExpectedLength is not { } expected)
        {
            return Status(StatusWords.WrongLength);
        }

        if ((apdu.P1 & 0x80) == 0)
        {
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        if ((apdu.P1 & 0x60) != 0)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        if ((apdu.P1 & 0x1F) != TerminalInfoSfi)
        {
            return Status(StatusWords.FileNotFound);
        }

        if (apdu.P2 >= terminalBytes.Length)
        {
            return Status(StatusWords.WrongOffset);
        }

        var available = terminalBytes.Length - apdu.P2;
        var count = expected == CommandApdu.MaxResponseLength ? available : expected;
        return count > available ? Status(StatusWords.WrongLength) : Success(terminalBytes.AsSpan(apdu.P2, count));
    }

    private byte[] InitializeForPurchase(CommandApdu apdu)
    {
        if (apdu.P1 != 0x00 || apdu.P2 != 0x00)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        var data = apdu.Data;
        if (data.Length is not (0x1C or 0x24) || !apdu.AcceptsResponseLength(8))
        {
            return Status(StatusWords.WrongLength);
        }

        if (!adfSelected)
        {
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        var type = data[10];
        if (!TransactionType.IsPurchase(type) || !BcdDateTime.TryRead(data[11..18], out var when))
        {
            return Status(StatusWords.IncorrectData);
        }

        if (!EpAlgorithms.TryFromId(data[19], out var algorithm))
        {
            return Status(StatusWords.IncorrectParameters);
        }

        var keyVersion = data[18];
        if (!masterKeys.TryGetValue((keyVersion, algorithm.Value), out var masterKey))
        {
            return Status(StatusWords.KeyNotSupported);
        }

        if (TransactionSerial == uint.MaxValue)
        {
            return Status(StatusWords.CounterAtMaximum);
        }

        var baseKey = data.Length == 0x24 ? LevelOneKey(keyVersion, masterKey, data[28..36]) : masterKey;
        var purchaseKey = baseKey.Diversify(data[20..28]);
        var sessionKey = EpMacs.PurchaseSessionKey(purchaseKey, BinaryPrimitives.ReadUInt32BigEndian(data), BinaryPrimitives.ReadUInt16BigEndian(data[4..]), TransactionSerial);
        var amount = BinaryPrimitives.ReadUInt32BigEndian(data[6..]);
        var mac1 = EpMacs.PurchaseMac1(sessionKey, amount, type, Terminal, when);
        pending = (sessionKey, amount);
        Span<byte> response = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(response, TransactionSerial);
        BinaryPrimitives.WriteUInt32BigEndian(response[4..], mac1);
        return Success(response);
    }

    private byte[] VerifyMac2(CommandApdu apdu)
    {
        if (apdu.P1 != 0x00 || apdu.P2 != 0x00)
        {
            return Status(StatusWords.IncorrectParameters);
        }

        if (apdu.Data.Length != 4)
        {
            return Status(StatusWords.WrongLength);
        }

        if (pending is not { } session)
        {
            return Status(StatusWords.ConditionsNotSatisfied);
        }

        if (EpMacs.PurchaseMac2(session.SessionKey, session.Amount) != BinaryPrimitives.ReadUInt32BigEndian(apdu.Data))
        {
            return Status(StatusWords.MacInvalid);
        }

        TransactionSerial++;
        pending = null;
        return Success(default);
    }

    /// <summary>The city/issuer-level key <c>Div(MPK, F2)</c>, cached because every card of a city shares it.</summary>
    private EpKey LevelOneKey(byte keyVersion, EpKey masterKey, ReadOnlySpan<byte> factor)
    {
        var cacheKey = (keyVersion, masterKey.Algorithm, BinaryPrimitives.ReadUInt64BigEndian(factor));
        if (!levelOneKeys.TryGetValue(cacheKey, out var key))
        {
            if (levelOneKeys.Count >= CacheLimit)
            {
                levelOneKeys.Clear();
            }

            key = masterKey.Diversify(factor);
            levelOneKeys[cacheKey] = key;
        }

        return key;
    }
}
