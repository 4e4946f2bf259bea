using CityCard.Clearing.Verification;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Registry;

/// <summary>
/// A card as the centre knows it: identity, status, deposit, shadow balance and the state of its counter sequences and
/// balance chain. Immutable; the pipeline produces updated copies with <c>with</c>.
/// </summary>
public sealed record CardAccount
{
    /// <summary>The card's application serial number.</summary>
    public required Asn Asn { get; init; }

    /// <summary>The card's city code.</summary>
    public required CityCode City { get; init; }

    /// <summary>Card type byte (EF 0015).</summary>
    public byte CardType { get; init; }

    /// <summary>Life-cycle state.</summary>
    public CardStatus Status { get; init; } = CardStatus.Active;

    /// <summary>Deposit held for the card, fen.</summary>
    public long DepositFen { get; init; }

    /// <summary>Balance on the card when it was registered, fen.</summary>
    public long OpeningBalanceFen { get; init; }

    /// <summary>Shadow balance: opening balance plus accepted loads minus accepted purchases, fen.</summary>
    public long ShadowBalanceFen { get; init; }

    /// <summary>The balance after the latest accepted record in card order (the chain tip), or the opening balance.</summary>
    public long ChainBalanceFen { get; init; }

    /// <summary>Card order of the chain tip (<see cref="OrderKey.None"/> before the first record).</summary>
    public OrderKey ChainTip { get; init; } = OrderKey.None;

    /// <summary>Offline counter of the card at registration: lower counters are suspect.</summary>
    public int OfflineStart { get; init; }

    /// <summary>One past the highest accepted offline counter (starts at <see cref="OfflineStart"/>).</summary>
    public int OfflineNext { get; init; }

    /// <summary>Online counter of the card at registration.</summary>
    public int OnlineStart { get; init; }

    /// <summary>One past the highest accepted online counter.</summary>
    public int OnlineNext { get; init; }

    /// <summary>One past the highest offline counter of any record with a valid TAC (accepted or suspect).</summary>
    public int OfflineSeenNext { get; init; }

    /// <summary>One past the highest online counter of any record with a valid TAC (accepted or suspect).</summary>
    public int OnlineSeenNext { get; init; }

    /// <summary>How many counters (of both sequences) are held open as gaps.</summary>
    public int OpenGaps { get; init; }

    /// <summary>The blacklist version that listed the card, or null when it is not listed.</summary>
    public uint? BlacklistedVersion { get; init; }

    /// <summary>When it was registered.</summary>
    public DateTimeOffset RegisteredUtc { get; init; }

    /// <summary>The counter at registration for a sequence.</summary>
    public int Start(CounterKind kind) => kind == CounterKind.Online ? OnlineStart : OfflineStart;

    /// <summary>One past the highest accepted counter of a sequence.</summary>
    public int Next(CounterKind kind) => kind == CounterKind.Online ? OnlineNext : OfflineNext;

    /// <summary>One past the highest counter seen with a valid TAC in a sequence.</summary>
    public int SeenNext(CounterKind kind) => kind == CounterKind.Online ? OnlineSeenNext : OfflineSeenNext;

    /// <summary>A new card account as registered at sale.</summary>
    public static CardAccount Register(Asn asn, CityCode city, byte cardType, long depositFen, long balanceFen, int offlineCounter, int onlineCounter, DateTimeOffset now) => new()
    {
        Asn = asn,
        City = city,
        CardType = cardType,
        DepositFen = depositFen,
        OpeningBalanceFen = balanceFen,
        ShadowBalanceFen = balanceFen,
        ChainBalanceFen = balanceFen,
        OfflineStart = offlineCounter,
        OfflineNext = offlineCounter,
        OfflineSeenNext = offlineCounter,
        OnlineStart = onlineCounter,
        OnlineNext = onlineCounter,
        OnlineSeenNext = onlineCounter,
        RegisteredUtc = now,
    };

    /// <summary>
    /// The cards in the order the stores keep them: by the ASN read as a signed 64-bit number (an ASN above 2^63 is stored
    /// negative), so updates walk the table's B-tree in order. Returns <paramref name="cards"/> itself when it is in that
    /// order already (a batch's changed cards come sorted from the pipeline).
    /// </summary>
    public static IReadOnlyList<CardAccount> InStorageOrder(IReadOnlyList<CardAccount> cards)
    {
        ArgumentNullException.ThrowIfNull(cards);
        var sorted = true;
        for (var i = 1; i < cards.Count && sorted; i++)
        {
            sorted = StorageKey(cards[i - 1]) <= StorageKey(cards[i]);
        }

        if (sorted)
        {
            return cards;
        }

        var keys = new long[cards.Count];
        var items = new CardAccount[cards.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = cards[i];
            keys[i] = StorageKey(items[i]);
        }

        Array.Sort(keys, items);
        return items;
    }

    private static long StorageKey(CardAccount card) => unchecked((long)card.Asn.Value);
}
