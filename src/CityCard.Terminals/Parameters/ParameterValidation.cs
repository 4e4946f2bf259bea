namespace CityCard.Terminals.Parameters;

/// <summary>Semantic checks of parameters, so a signed but nonsensical file is still refused with a reason.</summary>
internal static class ParameterValidation
{
    public static void Check(TerminalParameters p)
    {
        Require(p.Version > 0, "version must be 1 or more");
        Require(p.AcceptedKeyVersions.Count > 0, "acceptedKeyVersions must not be empty");
        foreach (var asn in p.Blacklist)
        {
            Require(asn.Length == 16 && asn.All(char.IsAsciiHexDigit), $"blacklist entry '{asn}' is not 16 hex digits");
        }

        Require(p.Bus.FlatFareFen is >= 0 and <= 100_000, "bus.flatFareFen out of range 0..100000");
        Require(p.Bus.TransferWindowMinutes is >= 0 and <= 1440, "bus.transferWindowMinutes out of range 0..1440");
        Require(p.Bus.TransferDiscountFen >= 0, "bus.transferDiscountFen must not be negative");
        Require(p.Bus.RepeatTapSeconds is >= 0 and <= 3600, "bus.repeatTapSeconds out of range 0..3600");
        foreach (var line in p.Bus.DistanceLines)
        {
            Require(line.BaseFareFen >= 0 && line.PerStopFen >= 0 && line.MaxFareFen >= line.BaseFareFen && line.BaseStops >= 0, $"bus.distanceLines[{line.Line}] has inconsistent fares");
        }

        foreach (var rule in p.Concessions)
        {
            Require(rule.PayPercent is >= 0 and <= 100, $"concession for {rule.CardType}: payPercent out of range 0..100");
            foreach (var window in rule.PeakWindows)
            {
                Require(TimeWindow.TryParse(window, out _), $"concession for {rule.CardType}: '{window}' is not HH:mm-HH:mm");
            }
        }

        foreach (var rule in p.MerchantDiscounts)
        {
            Require(rule.PercentOff is >= 0 and <= 100, $"merchant discount {rule.MerchantId}: percentOff out of range 0..100");
            Require(rule.FixedOffFen >= 0, $"merchant discount {rule.MerchantId}: fixedOffFen must not be negative");
            Require(rule.Window is null || TimeWindow.TryParse(rule.Window, out _), $"merchant discount {rule.MerchantId}: window '{rule.Window}' is not HH:mm-HH:mm");
        }

        Require(p.Taxi.FlagFallFen >= 0 && p.Taxi.PerKmFen >= 0 && p.Taxi.WaitingPerMinuteFen >= 0 && p.Taxi.FlagFallMetres >= 0, "taxi tariff has negative values");
        Require(p.Taxi.NightSurchargePercent is >= 0 and <= 100, "taxi.nightSurchargePercent out of range 0..100");
        Require(TimeWindow.TryParse(p.Taxi.NightWindow, out _), $"taxi.nightWindow '{p.Taxi.NightWindow}' is not HH:mm-HH:mm");
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new ParameterFileException($"parameter file: {problem}");
        }
    }
}
