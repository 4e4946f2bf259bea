namespace CityCard.Cli.Commands;

/// <summary>Options every terminal command shares.</summary>
internal sealed record TerminalOptions(string? Data, uint? DeviceId, uint? Operator, string? Keys);
