namespace CityCard.Clearing.Parameters;

/// <summary>
/// A version of the parameter content the centre publishes to terminals (fares, transfers, concessions, merchant
/// discounts, taxi tariff, doors, accepted key versions) as the JSON the terminals read, without the blacklist and the
/// version fields, which the centre fills in when it publishes. Content version 0 is the factory content (not stored).
/// </summary>
/// <param name="ContentVersion">1, 2, … in the order the content was set.</param>
/// <param name="Content">The content as JSON.</param>
/// <param name="Note">Who or why, free text.</param>
/// <param name="SetUtc">When it was set.</param>
public sealed record ParameterContent(uint ContentVersion, string Content, string Note, DateTimeOffset SetUtc);
