namespace CityCard.Cards.Apdu;

/// <summary>A response APDU split into its data and its status word.</summary>
public readonly struct ResponseApdu
{
    private readonly byte[] bytes;

    /// <summary>Wraps a response of at least 2 bytes (data ‖ SW1 ‖ SW2).</summary>
    public ResponseApdu(byte[] response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Length < 2)
        {
            throw new ArgumentException($"response: a response APDU has at least 2 bytes (SW1 SW2), got {response.Length}", nameof(response));
        }

        bytes = response;
    }

    /// <summary>The response data (without the status word).</summary>
    public ReadOnlySpan<byte> Data => bytes.AsSpan(0, bytes.Length - 2);

    /// <summary>SW1 SW2 as one number, e.g. 0x9000.</summary>
    public ushort StatusWord => (ushort)((bytes[^2] << 8) | bytes[^1]);

    /// <summary>True for <c>9000</c>.</summary>
    public bool IsSuccess => StatusWord == StatusWords.Success;

    /// <summary>The whole response.</summary>
    public ReadOnlySpan<byte> Bytes => bytes;

    /// <summary>Sends <paramref name="command"/> on <paramref name="channel"/> and wraps the response.</summary>
    public static ResponseApdu Exchange(IApduChannel channel, ReadOnlySpan<byte> command)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return new ResponseApdu(channel.Transmit(command));
    }
}
