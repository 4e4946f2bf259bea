namespace CityCard.Storage.Sql;

/// <summary>
/// The ledger after a settlement checkpoint, read once for the settlement audit: what its postings sum to, what they
/// moved on card float, every transaction among them that does not balance, and (when the engine collects them on the
/// same pass) the cards with a card-float posting among them, in ASN order, each once.
/// </summary>
/// <param name="PostingsFen">The sum of every posting in the range.</param>
/// <param name="CardFloatPostedFen">The sum of the card-float postings in the range (negative when the float grew).</param>
/// <param name="Unbalanced">Each transaction of the range whose postings do not sum to 0, with their sum, by transaction id.</param>
/// <param name="CardSubs">The cards posted to on card float, ascending and distinct; null when the engine did not collect them.</param>
internal sealed record LedgerRange(long PostingsFen, long CardFloatPostedFen, IReadOnlyList<(long TransactionId, long SumFen)> Unbalanced, long[]? CardSubs);

/// <summary>
/// One card posted to on card float since the checkpoint, as the settlement audit judges it: its shadow balance, the kind
/// of its chain tip's counter (0: no cleared record yet), its opening balance, its open gaps, whether its profile is
/// closed, and the balance after the accepted record at its chain tip (null when there is none).
/// </summary>
internal readonly record struct TouchedCard(long Asn, long ShadowFen, long TipKind, long OpeningFen, long OpenGaps, bool Closed, long? TipBalanceFen);
