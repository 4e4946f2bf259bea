using CityCard.Cards.Apdu;
using CityCard.Cards.Transactions;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;
using CityCard.Terminals.Fares;

namespace CityCard.Terminals.Taxi;

/// <summary>
/// A taxi's card-reading meter: computes the fare from the tariff (flag fall, distance, waiting, night surcharge) and
/// takes it by card. Its journal is gathered by the company's <see cref="TaxiCollector"/>. The vehicle number is the
/// terminal's configured line.
/// </summary>
public sealed class TaxiMeter(PurchaseTerminal terminal)
{
    /// <summary>The shared purchase steps.</summary>
    public PurchaseTerminal Terminal { get; } = terminal ?? throw new ArgumentNullException(nameof(terminal));

    /// <summary>Ends a trip of <paramref name="metres"/> with <paramref name="waitingSeconds"/> of waiting, started at <paramref name="startLocal"/>, and takes the fare by card.</summary>
    public TapResult EndTrip(IApduChannel card, int metres, int waitingSeconds, TimeOnly startLocal)
    {
        if (metres is < 0 or > 2_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(metres), metres, "a trip is 0..2,000 km");
        }

        if (waitingSeconds is < 0 or > 86_400)
        {
            throw new ArgumentOutOfRangeException(nameof(waitingSeconds), waitingSeconds, "waiting is 0..86,400 s");
        }

        var core = Terminal.Core;
        var fare = FareRules.TaxiFare(core.Parameters.Taxi, metres, waitingSeconds, startLocal);
        var info = Terminal.Admit(card, out var final);
        if (info is null)
        {
            return final!;
        }

        var context = new RecordContext
        {
            MerchantId = core.Config.OperatorId,
            Line = core.Config.Line,
            FullFareFen = fare,
            Extra1 = (uint)metres,
            Extra2 = (uint)waitingSeconds,
        };
        var result = Terminal.Charge(card, info, fare, context, null, ChinaTime.Now(core.Clock));
        return result.Outcome == TapOutcome.Completed
            ? result with { Message = $"Taxi {core.Config.Line}: {metres / 1000.0:0.0} km, waiting {waitingSeconds / 60} min — {result.Message}" }
            : result;
    }
}
