using System.Buffers.Binary;
using CityCard.Cards.Apdu;
using CityCard.Cards.Application;
using CityCard.Cards.Chip;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Cards.Cos;

/// <summary>
/// A software CPU card carrying the city-card ED/EP application (STANDARDS.md §0, §1.2–§1.4, §3.1, §6.2), driven only by
/// APDUs through <see cref="Transmit"/>. MF 3F00 holds the DIR record; ADF 1001 (AID A00000000386980701) holds EF 0015,
/// EF 0016 (behind VERIFY PIN), the CAPP record file EF 0017, the cyclic EF 0018, the concession file EF 0019, the purse
/// and the card keys.
/// </summary>
/// <remarks>
/// <para>The purse changes only in DEBIT FOR (CAPP) PURCHASE and CREDIT FOR LOAD after a valid MAC, and then together with
/// the counter, the EF 0018 record, the cached CAPP records and the transaction proof, in one journalled commit
/// (<see cref="CardMemory"/>): a power cut at any write step leaves the old or the new state at the next
/// <see cref="PowerOn"/>.</para>
/// <para>No input bytes make <see cref="Transmit"/> throw: every command is answered with a status word. It throws only
/// <see cref="PowerLossException"/> when a tearing hook cuts the power, and <see cref="CardLostException"/> while the card
/// is unpowered. Not thread-safe: a card sits in one reader.</para>
/// </remarks>
public sealed partial class SoftCard : IApduChannel
{
    private readonly CardKeys keys;
    private readonly byte[] publicInfoBytes;
    private readonly byte[] cardholderBytes;
    private readonly byte[]? concessionBytes;
    private readonly byte[] pinBcd;
    private readonly CardMemory memory;
    private readonly IRandomSource random;
    private byte[] adfFci;
    private bool adfSelected;
    private CardFile currentFile;
    private bool pinVerified;
    private byte[]? challenge;
    private PurseSession? session;

    private SoftCard(CardKeys keys, byte[] publicInfoBytes, byte[] cardholderBytes, byte[]? concessionBytes, byte[] pinBcd, int pinTryLimit, CardMemory memory, SoftCardOptions options)
    {
        this.keys = keys;
        this.publicInfoBytes = publicInfoBytes;
        this.cardholderBytes = cardholderBytes;
        this.concessionBytes = concessionBytes;
        this.pinBcd = pinBcd;
        this.memory = memory;
        PinTryLimit = pinTryLimit;
        random = options.Random;
        PublicInfo = CardPublicInfo.TryParse(publicInfoBytes, out var info) && info is not null
            ? info
            : throw new ArgumentException("EF 0015 is not a valid public-information file", nameof(publicInfoBytes));
        Cardholder = Application.Cardholder.TryParse(cardholderBytes, out var holder) && holder is not null
            ? holder
            : throw new ArgumentException("EF 0016 is not a valid cardholder file", nameof(cardholderBytes));
        Concession = concessionBytes is null ? null
            : ConcessionData.TryParse(concessionBytes, out var concession) && concession is not null
                ? concession
                : throw new ArgumentException("EF 0019 is not a valid concession file", nameof(concessionBytes));
        adfFci = BuildAdfFci(publicInfoBytes);
        memory.Hook = options.TearingHook;
    }

    /// <summary>EF 0015 decoded.</summary>
    public CardPublicInfo PublicInfo { get; private set; }

    /// <summary>EF 0016 decoded.</summary>
    public Cardholder Cardholder { get; private set; }

    /// <summary>EF 0019 decoded (the concession's verification date), or null when the card has no EF 0019.</summary>
    public ConcessionData? Concession { get; private set; }

    /// <summary>The card number.</summary>
    public Asn Asn => PublicInfo.Asn;

    /// <summary>The algorithm of the card's keys (the algorithm-identifier byte of INIT responses).</summary>
    public EpAlgorithm Algorithm => keys.Algorithm;

    /// <summary>The master key version the card was personalised with.</summary>
    public byte KeyVersion => keys.KeyVersion;

    /// <summary>The committed purse.</summary>
    public PurseState Purse => new(memory.Balance, memory.OverdraftLimit, memory.OnlineCounter, memory.OfflineCounter);

    /// <summary>True after APPLICATION BLOCK (until APPLICATION UNBLOCK).</summary>
    public bool IsBlocked => memory.IsBlocked;

    /// <summary>Wrong PIN presentations left before the PIN blocks.</summary>
    public int PinTriesRemaining => memory.PinTries;

    /// <summary>Wrong PIN presentations allowed in total.</summary>
    public int PinTryLimit { get; }

    /// <summary>Number of records EF 0018 holds.</summary>
    public int HistoryCapacity => memory.HistoryCapacity;

    /// <summary>Number of records of the CAPP file EF 0017.</summary>
    public int CappRecordCount => memory.CappRecordCount;

    /// <summary>False after a power loss until <see cref="PowerOn"/>.</summary>
    public bool IsPowered { get; private set; }

    /// <summary>EF 0018 decoded, newest first.</summary>
    public IReadOnlyList<TransactionRecord> History
    {
        get
        {
            var records = new List<TransactionRecord>(memory.HistoryCount);
            for (var n = 1; n <= memory.HistoryCount; n++)
            {
                if (TransactionRecord.TryParse(memory.HistoryRecord(n), out var record) && record is not null)
                {
                    records.Add(record);
                }
            }

            return records;
        }
    }

    /// <summary>Fault injection on the persistent memory (tests and simulation); setting it restarts the write-step count.</summary>
    public ITearingHook? TearingHook
    {
        get => memory.Hook;
        set => memory.Hook = value;
    }

    /// <summary>The bytes of EF 0017 record <paramref name="recordNumber"/> (1-based).</summary>
    public byte[] CappRecord(int recordNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recordNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(recordNumber, CappRecordCount);
        return memory.CappRecord(recordNumber).ToArray();
    }

    /// <summary>The persistent state without the journal, for tearing tests ("old or new, never a mix").</summary>
    internal byte[] DataRegionSnapshot() => memory.DataRegion.ToArray();

    /// <summary>
    /// Personalises a new card with explicit keys (the issuer's route is <c>CardIssuer</c>, which derives them). The card
    /// comes back powered, with the MF selected.
    /// </summary>
    public static SoftCard Create(CardPersonalization personalization, CardKeys keys, SoftCardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(personalization);
        ArgumentNullException.ThrowIfNull(keys);
        personalization.Validate();
        var memory = new CardMemory(personalization.HistoryRecordCount, personalization.CappRecordCount);
        Span<byte> purse = stackalloc byte[CardMemory.PurseAreaLength];
        purse.Clear();
        BinaryPrimitives.WriteInt32BigEndian(purse, personalization.InitialBalance);
        CardMemory.WriteU24(purse[CardMemory.OverdraftOffset..], personalization.OverdraftLimit);
        BinaryPrimitives.WriteUInt16BigEndian(purse[CardMemory.OnlineCounterOffset..], personalization.InitialOnlineCounter);
        BinaryPrimitives.WriteUInt16BigEndian(purse[CardMemory.OfflineCounterOffset..], personalization.InitialOfflineCounter);
        memory.Write(0, purse);
        memory.WriteByte(CardMemory.PinTriesOffset, (byte)personalization.PinTryLimit);
        var card = new SoftCard(
            keys,
            personalization.PublicInfo.ToBytes(),
            personalization.Cardholder.ToBytes(),
            personalization.Concession?.ToBytes(),
            PinCodec.Encode(personalization.Pin)!,
            personalization.PinTryLimit,
            memory,
            options ?? SoftCardOptions.Default);
        card.PowerOn();
        return card;
    }

    /// <summary>
    /// Power-on reset: forgets the RAM state (selection, PIN status, challenge, pending session), selects the MF, and
    /// completes or discards a commit that a power loss interrupted.
    /// </summary>
    public void PowerOn()
    {
        IsPowered = false;
        ClearVolatileState();
        memory.Recover();
        IsPowered = true;
    }

    /// <inheritdoc />
    public byte[] Transmit(ReadOnlySpan<byte> command)
    {
        if (!IsPowered)
        {
            throw new CardLostException("the card is unpowered after a power loss; call PowerOn");
        }

        // A pending INIT and a challenge each serve the very next command only; handlers that continue a session put it back.
        var pending = session;
        session = null;
        var usableChallenge = challenge;
        challenge = null;
        try
        {
            return Execute(command, pending, usableChallenge);
        }
        catch (PowerLossException)
        {
            IsPowered = false;
            ClearVolatileState();
            throw;
        }
    }

    private static byte[] Status(ushort statusWord) => [(byte)(statusWord >> 8), (byte)(statusWord & 0xFF)];

    private static byte[] Success(ReadOnlySpan<byte> data)
    {
        var response = new byte[data.Length + 2];
        data.CopyTo(response);
        response[^2] = 0x90;
        return response;
    }

    private static bool IsKnownInstruction(byte cla, byte ins) => (cla, ins) switch
    {
        (0x00, 0xA4 or 0xB0 or 0xB2 or 0x20 or 0x84) => true,
        (0x04, 0xD6) => true,
        (0x80, 0x5C or 0x50 or 0x52 or 0x54 or 0xDC or 0x5A) => true,
        (0x84, 0x1E or 0x18) => true,
        _ => false,
    };

    private static byte[] BuildAdfFci(byte[] publicInfo)
    {
        // 6F 32 | 84 09 <AID> | A5 25 | 9F08 01 <application version> | 9F0C 1E <EF 0015> (the T-Union FCI shape, STANDARDS.md §1.1).
        var fci = new List<byte> { 0x6F, 0x32, 0x84, 0x09 };
        fci.AddRange(CityCardApplication.Aid.ToArray());
        fci.AddRange([0xA5, 0x25, 0x9F, 0x08, 0x01, publicInfo[9], 0x9F, 0x0C, 0x1E]);
        fci.AddRange(publicInfo);
        return [.. fci];
    }

    private void ClearVolatileState()
    {
        adfSelected = false;
        currentFile = CardFile.None;
        pinVerified = false;
        challenge = null;
        session = null;
    }

    private byte[] Execute(ReadOnlySpan<byte> command, PurseSession? pending, byte[]? usableChallenge)
    {
        if (command.Length < CommandApdu.HeaderLength)
        {
            return Status(StatusWords.WrongLength);
        }

        byte cla = command[0], ins = command[1];
        if (cla is not (0x00 or 0x04 or 0x80 or 0x84))
        {
            return Status(StatusWords.ClassNotSupported);
        }

        if (!IsKnownInstruction(cla, ins))
        {
            return Status(StatusWords.InstructionNotSupported);
        }

        if (!CommandApdu.TryParse(command, out var apdu))
        {
            return Status(StatusWords.WrongLength);
        }

        return (cla, ins) switch
        {
            (0x00, 0xA4) => Select(apdu),
            (0x00, 0xB0) => ReadBinary(apdu),
            (0x00, 0xB2) => ReadRecord(apdu),
            (0x00, 0x20) => Verify(apdu),
            (0x00, 0x84) => GetChallenge(apdu),
            (0x80, 0x5C) => GetBalance(apdu),
            (0x80, 0x50) => Initialize(apdu),
            (0x80, 0x52) => CreditForLoad(apdu, pending),
            (0x80, 0x54) => DebitForPurchase(apdu, pending),
            (0x80, 0xDC) => UpdateCappDataCache(apdu, pending),
            (0x80, 0x5A) => GetTransactionProve(apdu),
            (0x04, 0xD6) => UpdateBinary(apdu, usableChallenge),
            (0x84, 0x1E) => SetApplicationBlocked(apdu, usableChallenge, blocked: true),
            _ => SetApplicationBlocked(apdu, usableChallenge, blocked: false),
        };
    }
}
