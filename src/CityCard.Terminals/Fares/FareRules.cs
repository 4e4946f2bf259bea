using CityCard.Records;
using CityCard.Terminals.Parameters;

namespace CityCard.Terminals.Fares;

/// <summary>
/// Fare arithmetic in integer fen: concessions, distance fares, taxi meter, merchant discounts. Percentages round half up
/// to the fen. Pure functions, so every rule and boundary is tested without a card.
/// </summary>
public static class FareRules
{
    /// <summary><paramref name="percent"/> % of <paramref name="fen"/>, rounded half up.</summary>
    public static long Percent(long fen, int percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fen);
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        return ((fen * percent) + 50) / 100;
    }

    /// <summary>The percentage of a transit fare a card type pays at a local time (100 when no concession applies).</summary>
    public static int ConcessionPayPercent(TerminalParameters parameters, string cardType, TimeOnly localTime)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var rule = parameters.Concessions.FirstOrDefault(r => string.Equals(r.CardType, cardType, StringComparison.OrdinalIgnoreCase));
        if (rule is null)
        {
            return 100;
        }

        if (rule.OffPeakOnly && rule.PeakWindows.Any(w => TimeWindow.Parse(w).Contains(localTime)))
        {
            return 100;
        }

        return rule.PayPercent;
    }

    /// <summary>Distance fare for a number of stops travelled: base fare, then per extra stop, capped at the maximum.</summary>
    public static long DistanceFare(DistanceLine line, int stops)
    {
        ArgumentNullException.ThrowIfNull(line);
        var extra = Math.Max(0, stops - line.BaseStops);
        return Math.Min(line.MaxFareFen, line.BaseFareFen + (extra * line.PerStopFen));
    }

    /// <summary>
    /// Taxi fare: flag fall covers the first kilometres; then half the per-km rate per started 500 m; waiting per started
    /// minute; the night surcharge (percentage of the metered fare) when the trip starts in the night window.
    /// </summary>
    public static long TaxiFare(TaxiTariff tariff, int metres, int waitingSeconds, TimeOnly startLocal)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        ArgumentOutOfRangeException.ThrowIfNegative(metres);
        ArgumentOutOfRangeException.ThrowIfNegative(waitingSeconds);
        var beyond = Math.Max(0, metres - tariff.FlagFallMetres);
        var halfKilometres = (beyond + 499) / 500;
        var metered = tariff.FlagFallFen + (halfKilometres * tariff.PerKmFen / 2) + ((waitingSeconds + 59) / 60 * tariff.WaitingPerMinuteFen);
        return TimeWindow.Parse(tariff.NightWindow).Contains(startLocal)
            ? metered + Percent(metered, tariff.NightSurchargePercent)
            : metered;
    }

    /// <summary>
    /// The price after the best matching merchant discount rule (by merchant, card type and time window), and whether a
    /// discount applied. The price never goes below zero.
    /// </summary>
    public static (long ChargedFen, DiscountKind Discount) MerchantPrice(TerminalParameters parameters, uint merchantId, string cardType, TimeOnly localTime, long priceFen)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(priceFen);
        var best = priceFen;
        foreach (var rule in parameters.MerchantDiscounts)
        {
            if (rule.MerchantId != merchantId
                || (rule.CardType is not null && !string.Equals(rule.CardType, cardType, StringComparison.OrdinalIgnoreCase))
                || (rule.Window is not null && !TimeWindow.Parse(rule.Window).Contains(localTime)))
            {
                continue;
            }

            var price = Math.Max(0, priceFen - Percent(priceFen, rule.PercentOff) - rule.FixedOffFen);
            best = Math.Min(best, price);
        }

        return (best, best < priceFen ? DiscountKind.MerchantDiscount : DiscountKind.None);
    }
}
