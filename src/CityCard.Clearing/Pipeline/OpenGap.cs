using CityCard.Clearing.Verification;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Pipeline;

/// <summary>A counter held open as a gap (a record not yet arrived), and when it was opened.</summary>
/// <param name="Asn">The card.</param>
/// <param name="Kind">Which counter sequence.</param>
/// <param name="Counter">The missing counter.</param>
/// <param name="OpenedUtc">When the gap was opened (null: unknown — opened by code that did not record it).</param>
public sealed record OpenGap(Asn Asn, CounterKind Kind, long Counter, DateTimeOffset? OpenedUtc);
