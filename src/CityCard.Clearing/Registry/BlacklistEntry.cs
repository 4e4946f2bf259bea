using CityCard.Security.Ep;

namespace CityCard.Clearing.Registry;

/// <summary>
/// One change to the blacklist. Every change gets the next version number, so a terminal that has version V has every
/// change up to V; a delta download is every entry above the terminal's version.
/// </summary>
public sealed record BlacklistEntry(uint Version, Asn Asn, BlacklistAction Action, string Reason, DateTimeOffset AddedUtc);
