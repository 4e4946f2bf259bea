namespace CityCard.Cards.Apdu;

/// <summary>
/// A parsed short command APDU (<c>CLA INS P1 P2 [Lc data] [Le]</c>, cases 1 to 4; extended length is not supported,
/// as on the cards this project emulates). A view over the caller's bytes: nothing is copied.
/// </summary>
public readonly ref struct CommandApdu
{
    /// <summary>Length of the header <c>CLA INS P1 P2</c>.</summary>
    public const int HeaderLength = 4;

    /// <summary>Largest command data field of a short APDU.</summary>
    public const int MaxDataLength = 255;

    /// <summary>Largest expected response length of a short APDU (Le = 00).</summary>
    public const int MaxResponseLength = 256;

    private CommandApdu(ReadOnlySpan<byte> bytes, ApduCase apduCase, ReadOnlySpan<byte> data, int? expectedLength)
    {
        Bytes = bytes;
        Case = apduCase;
        Data = data;
        ExpectedLength = expectedLength;
    }

    /// <summary>The whole command as received.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    /// <summary>The ISO case of the command.</summary>
    public ApduCase Case { get; }

    /// <summary>Class byte.</summary>
    public byte Cla => Bytes[0];

    /// <summary>Instruction byte.</summary>
    public byte Ins => Bytes[1];

    /// <summary>Parameter 1.</summary>
    public byte P1 => Bytes[2];

    /// <summary>Parameter 2.</summary>
    public byte P2 => Bytes[3];

    /// <summary>The command data field (empty for cases 1 and 2).</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Ne, the expected response length: null without Le, 1..256 otherwise (Le = 00 means 256).</summary>
    public int? ExpectedLength { get; }

    /// <summary>
    /// Parses a short command APDU. Returns false when the bytes are not one: fewer than 4 bytes, an Lc that does not
    /// match the length, or Lc = 00 (the marker of an extended-length APDU).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out CommandApdu apdu)
    {
        apdu = default;
        if (bytes.Length < HeaderLength)
        {
            return false;
        }

        if (bytes.Length == HeaderLength)
        {
            apdu = new CommandApdu(bytes, ApduCase.Case1, default, null);
            return true;
        }

        var fifth = bytes[HeaderLength];
        if (bytes.Length == HeaderLength + 1)
        {
            apdu = new CommandApdu(bytes, ApduCase.Case2, default, fifth == 0 ? MaxResponseLength : fifth);
            return true;
        }

        if (fifth == 0)
        {
            return false;
        }

        var dataEnd = HeaderLength + 1 + fifth;
        if (bytes.Length == dataEnd)
        {
            apdu = new CommandApdu(bytes, ApduCase.Case3, bytes[(HeaderLength + 1)..dataEnd], null);
            return true;
        }

        if (bytes.Length == dataEnd + 1)
        {
            var le = bytes[dataEnd];
            apdu = new CommandApdu(bytes, ApduCase.Case4, bytes[(HeaderLength + 1)..dataEnd], le == 0 ? MaxResponseLength : le);
            return true;
        }

        return false;
    }

    /// <summary>True when the command carries no Le, or an Le of 00, or exactly <paramref name="length"/>.</summary>
    public bool AcceptsResponseLength(int length) => ExpectedLength is null || ExpectedLength == MaxResponseLength || ExpectedLength == length;

    /// <summary>
    /// Builds a short command APDU. <paramref name="expectedLength"/> is Ne (1..256, 256 encoded as Le = 00) or null for no Le.
    /// </summary>
    public static byte[] Build(byte cla, byte ins, byte p1, byte p2, ReadOnlySpan<byte> data = default, int? expectedLength = null)
    {
        if (data.Length > MaxDataLength)
        {
            throw new ArgumentException($"data: a short APDU carries at most {MaxDataLength} bytes, got {data.Length}", nameof(data));
        }

        if (expectedLength is < 1 or > MaxResponseLength)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedLength), expectedLength, "Ne must be 1..256");
        }

        var length = HeaderLength + (data.IsEmpty ? 0 : 1 + data.Length) + (expectedLength is null ? 0 : 1);
        var bytes = new byte[length];
        bytes[0] = cla;
        bytes[1] = ins;
        bytes[2] = p1;
        bytes[3] = p2;
        var position = HeaderLength;
        if (!data.IsEmpty)
        {
            bytes[position++] = (byte)data.Length;
            data.CopyTo(bytes.AsSpan(position));
            position += data.Length;
        }

        if (expectedLength is { } ne)
        {
            bytes[position] = (byte)(ne & 0xFF);
        }

        return bytes;
    }
}
