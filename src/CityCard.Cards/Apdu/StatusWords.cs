using System.Globalization;

namespace CityCard.Cards.Apdu;

/// <summary>
/// The status words (SW1 SW2) the CityCard card and PSAM answer (STANDARDS.md §1.2, ISO/IEC 7816-4), as numbers such
/// as <c>0x9000</c>. <see cref="Describe"/> gives a short English meaning for logs and the command line.
/// </summary>
public static class StatusWords
{
    /// <summary><c>9000</c>: success.</summary>
    public const ushort Success = 0x9000;

    /// <summary><c>6700</c>: wrong length (Lc or Le, or not a short APDU).</summary>
    public const ushort WrongLength = 0x6700;

    /// <summary><c>6981</c>: the command does not fit the file's structure (READ BINARY on a record file and so on).</summary>
    public const ushort IncompatibleFileStructure = 0x6981;

    /// <summary><c>6982</c>: security status not satisfied (EF 0016 without VERIFY PIN).</summary>
    public const ushort SecurityStatusNotSatisfied = 0x6982;

    /// <summary><c>6983</c>: the PIN is blocked (no tries left).</summary>
    public const ushort PinBlocked = 0x6983;

    /// <summary><c>6985</c>: conditions of use not satisfied (no pending INIT, no challenge, no proof for that counter...).</summary>
    public const ushort ConditionsNotSatisfied = 0x6985;

    /// <summary><c>6A80</c>: incorrect data field (a date-time that is not valid BCD, a transaction type the PSAM does not sign).</summary>
    public const ushort IncorrectData = 0x6A80;

    /// <summary><c>6A81</c>: the application is blocked (refuses purchase and load).</summary>
    public const ushort ApplicationBlocked = 0x6A81;

    /// <summary><c>6A82</c>: file or application not found.</summary>
    public const ushort FileNotFound = 0x6A82;

    /// <summary><c>6A83</c>: record not found.</summary>
    public const ushort RecordNotFound = 0x6A83;

    /// <summary><c>6A86</c>: incorrect P1 or P2.</summary>
    public const ushort IncorrectParameters = 0x6A86;

    /// <summary><c>6B00</c>: offset outside the file.</summary>
    public const ushort WrongOffset = 0x6B00;

    /// <summary><c>6D00</c>: instruction not supported.</summary>
    public const ushort InstructionNotSupported = 0x6D00;

    /// <summary><c>6E00</c>: class not supported.</summary>
    public const ushort ClassNotSupported = 0x6E00;

    /// <summary><c>9302</c>: MAC invalid (MAC1 at DEBIT, MAC2 at CREDIT or at the PSAM, a line-protection MAC).</summary>
    public const ushort MacInvalid = 0x9302;

    /// <summary><c>9401</c>: insufficient balance (the purchase would go below minus the overdraft limit).</summary>
    public const ushort InsufficientBalance = 0x9401;

    /// <summary><c>9402</c>: a transaction counter (or the PSAM's TTSN) is at its maximum; it never wraps.</summary>
    public const ushort CounterAtMaximum = 0x9402;

    /// <summary><c>9403</c>: key index or key version not supported.</summary>
    public const ushort KeyNotSupported = 0x9403;

    /// <summary><c>63C0</c>: base of <c>63Cx</c>, a wrong PIN with x tries left.</summary>
    public const ushort PinTriesRemainingBase = 0x63C0;

    /// <summary><c>63Cx</c> for <paramref name="tries"/> (0..15) tries left.</summary>
    public static ushort PinTriesRemaining(int tries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tries, 15);
        return (ushort)(PinTriesRemainingBase | tries);
    }

    /// <summary>True when <paramref name="statusWord"/> is <c>63Cx</c>; <paramref name="tries"/> is then x.</summary>
    public static bool IsPinTriesRemaining(ushort statusWord, out int tries)
    {
        tries = statusWord & 0x0F;
        return (statusWord & 0xFFF0) == PinTriesRemainingBase;
    }

    /// <summary>The status word as 4 upper-case hex digits, e.g. <c>9000</c>.</summary>
    public static string Format(ushort statusWord) => statusWord.ToString("X4", CultureInfo.InvariantCulture);

    /// <summary>A short English meaning of a status word.</summary>
    public static string Describe(ushort statusWord) => statusWord switch
    {
        Success => "success",
        WrongLength => "wrong length",
        IncompatibleFileStructure => "command incompatible with file structure",
        SecurityStatusNotSatisfied => "security status not satisfied",
        PinBlocked => "PIN blocked",
        ConditionsNotSatisfied => "conditions of use not satisfied",
        IncorrectData => "incorrect data",
        ApplicationBlocked => "application blocked",
        FileNotFound => "file not found",
        RecordNotFound => "record not found",
        IncorrectParameters => "incorrect P1/P2",
        WrongOffset => "offset outside the file",
        InstructionNotSupported => "instruction not supported",
        ClassNotSupported => "class not supported",
        MacInvalid => "MAC invalid",
        InsufficientBalance => "insufficient balance",
        CounterAtMaximum => "counter at maximum",
        KeyNotSupported => "key not supported",
        _ when IsPinTriesRemaining(statusWord, out var tries) => $"wrong PIN, {tries} tries left",
        _ => "unknown status",
    };
}
