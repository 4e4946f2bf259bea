namespace CityCard.Clearing.Parameters;

/// <summary>
/// A parameter version the centre published: which content and which blacklist version it holds, and when. The full
/// file of a version can be rebuilt byte for byte from these (the signature is deterministic), so only the SHA-256 of
/// its payload is kept, for deltas.
/// </summary>
/// <param name="Version">The parameter version terminals see.</param>
/// <param name="ContentVersion">The <see cref="ParameterContent"/> it holds (0: the factory content).</param>
/// <param name="BlacklistVersion">The blacklist version it holds.</param>
/// <param name="PublishedUtc">When it was published.</param>
/// <param name="PayloadSha256">SHA-256 (hex) of its signed payload.</param>
public sealed record ParameterPublication(uint Version, uint ContentVersion, uint BlacklistVersion, DateTimeOffset PublishedUtc, string PayloadSha256);
