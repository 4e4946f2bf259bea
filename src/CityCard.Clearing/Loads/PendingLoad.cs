using CityCard.Security.Ep;

namespace CityCard.Clearing.Loads;

/// <summary>An online load as the centre keeps it between authorise and confirm (natural key: card and online counter).</summary>
public sealed record PendingLoad
{
    /// <summary>The card.</summary>
    public required Asn Asn { get; init; }

    /// <summary>The card's online counter for this load.</summary>
    public required ushort OnlineCounter { get; init; }

    /// <summary>The outlet device.</summary>
    public required uint DeviceId { get; init; }

    /// <summary>The outlet's terminal number.</summary>
    public required TerminalId Terminal { get; init; }

    /// <summary>Balance before, fen.</summary>
    public required long BalanceBeforeFen { get; init; }

    /// <summary>Amount, fen.</summary>
    public required long AmountFen { get; init; }

    /// <summary>The host date-time sent to the card with MAC2 (China Standard Time).</summary>
    public required BcdDateTime HostDateTime { get; init; }

    /// <summary>MAC2 as given.</summary>
    public required uint Mac2 { get; init; }

    /// <summary>Authorised or confirmed.</summary>
    public required LoadStatus Status { get; init; }

    /// <summary>When it was authorised.</summary>
    public required DateTimeOffset AuthorisedUtc { get; init; }
}
