using CityCard.Cards.Apdu;
using CityCard.Cards.Transactions;
using CityCard.Records;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;

namespace CityCard.Terminals.Door;

/// <summary>
/// A door / attendance reader: reads the card number (no money moves), checks the door's allow-list and the blacklist,
/// and records an access event (allowed or refused) that travels to the employer or campus in the batch files.
/// The door id is the terminal's configured line.
/// </summary>
public sealed class DoorReader(TerminalCore core)
{
    /// <summary>Direction: entering.</summary>
    public const ushort In = 1;

    /// <summary>Direction: leaving.</summary>
    public const ushort Out = 2;

    /// <summary>The terminal core.</summary>
    public TerminalCore Core { get; } = core ?? throw new ArgumentNullException(nameof(core));

    /// <summary>Presents a card at the door in a direction (1 in, 2 out).</summary>
    public TapResult Present(IApduChannel card, ushort direction)
    {
        if (direction is not (In or Out))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "direction is 1 (in) or 2 (out)");
        }

        switch (CardSession.Identify(card, out var info, out _))
        {
            case IdentifyStatus.Lost:
                return new TapResult(TapOutcome.PresentAgain, "Card not read — present it again");
            case IdentifyStatus.NotCityCard:
                return new TapResult(TapOutcome.Refused, "Not a city card");
        }

        var doorId = Core.Config.Line;
        var rule = Core.Parameters.Doors.FirstOrDefault(d => d.DoorId == doorId);
        var typeName = CardNames.Of(info!.CardType);
        var listed = rule is not null
            && (rule.CardTypes.Contains(typeName, StringComparer.OrdinalIgnoreCase) || rule.Cards.Contains(info.Asn.ToString(), StringComparer.OrdinalIgnoreCase));
        var allowed = listed && !Core.IsBlacklisted(info.Asn) && info.IsValidOn(DateOnly.FromDateTime(Core.LocalNow));
        var record = Core.Append(new TransactionRecord
        {
            Kind = RecordKind.Access,
            Marks = allowed ? RecordMarks.AccessAllowed : RecordMarks.None,
            CityCode = info.City,
            Asn = info.Asn,
            CardType = (byte)info.CardType,
            Terminal = new Security.Ep.TerminalId(Core.Config.DeviceId),
            DateTime = ChinaTime.Now(Core.Clock),
            MerchantId = Core.Config.OperatorId,
            ExitStop = direction,
            Extra1 = doorId,
        });
        return allowed
            ? new TapResult(TapOutcome.Recorded, direction == In ? $"Welcome — door {doorId}" : $"Goodbye — door {doorId}", record)
            : new TapResult(TapOutcome.Refused, $"Access denied at door {doorId}", record);
    }
}
