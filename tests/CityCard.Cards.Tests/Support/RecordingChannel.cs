using CityCard.Cards.Apdu;
using CityCard.Security;

namespace CityCard.Cards.Tests.Support;

/// <summary>Passes APDUs through and records "&gt; command" / "&lt; response" lines in hex.</summary>
internal sealed class RecordingChannel(IApduChannel inner) : IApduChannel
{
    public List<string> Commands { get; } = [];

    public List<string> Responses { get; } = [];

    public byte[] Transmit(ReadOnlySpan<byte> command)
    {
        Commands.Add(Hex.Format(command));
        var response = inner.Transmit(command);
        Responses.Add(Hex.Format(response));
        return response;
    }
}
