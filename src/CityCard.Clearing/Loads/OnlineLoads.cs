using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Storage;
using CityCard.Records;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Clearing.Loads;

/// <summary>
/// The load host (圈存, DESIGN.md §4): the only holder of the issuer load key. <see cref="Authorise"/> verifies the card's
/// MAC1 under the card's load key, reserves the load under (card, online counter) and returns the host date-time and
/// MAC2; <see cref="Confirm"/> verifies the card's load TAC. The money is posted once, when the outlet's batch record of
/// the load clears through the pipeline, so a load can never be posted twice. Authorising the same load again returns
/// the same answer. Refusals raise <see cref="ClearingInputException"/> and change nothing.
/// </summary>
public sealed class OnlineLoads
{
    private readonly IClearingStore store;
    private readonly Dictionary<(EpAlgorithm, byte), IssuerKeySet> keySets = [];
    private readonly TimeProvider clock;

    /// <summary>Creates the host over issuer key sets (one per algorithm and key version).</summary>
    public OnlineLoads(IClearingStore store, IEnumerable<IssuerKeySet> issuerKeySets, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(issuerKeySets);
        ArgumentNullException.ThrowIfNull(clock);
        this.store = store;
        this.clock = clock;
        foreach (var set in issuerKeySets)
        {
            keySets[(set.Algorithm, set.KeyVersion)] = set;
        }
    }

    /// <summary>
    /// What is wrong with a load request's own figures, naming the field, or null: the balance before must be one a card
    /// can report, the amount 1.. fen, and the balance after must still fit the purse. An overdrawn card (a product with
    /// an overdraft limit) reports a negative balance: the card keeps it as a signed 32-bit number, and the MACs cover
    /// those four bytes. Each bound is checked before the sum, so no figure can overflow it.
    /// </summary>
    public static string? RequestProblem(LoadRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.BalanceBeforeFen is < int.MinValue or > EpPurse.MaxBalanceFen)
        {
            return $"balanceBeforeFen: {request.BalanceBeforeFen} is outside {int.MinValue}..{EpPurse.MaxBalanceFen} (the card keeps its balance as a signed 4-byte number)";
        }

        if (request.AmountFen is <= 0 or > EpPurse.MaxBalanceFen)
        {
            return $"amountFen: {request.AmountFen} is not a loadable amount (1..{EpPurse.MaxBalanceFen} fen)";
        }

        return request.BalanceBeforeFen + request.AmountFen > EpPurse.MaxBalanceFen
            ? $"amountFen: {request.AmountFen} fen on a balance of {request.BalanceBeforeFen} fen is above the purse's limit of {EpPurse.MaxBalanceFen} fen"
            : null;
    }

    /// <summary>Verifies MAC1 and reserves the load; returns it with the host date-time and MAC2.</summary>
    public PendingLoad Authorise(uint deviceId, LoadRequest request) => store.Write(w =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var device = w.FindDevice(deviceId);
        if (device is not { Kind: DeviceKind.TopUpOutlet, Status: DeviceStatus.Active } || device.PsamTerminal != request.Terminal)
        {
            throw new ClearingInputException($"load: device {deviceId} is not an active top-up outlet with terminal {request.Terminal}");
        }

        if (RequestProblem(request) is { } problem)
        {
            throw new ClearingInputException($"load: {problem}");
        }

        var card = w.FindCard(request.Asn) ?? throw new ClearingInputException($"load: card {request.Asn} is not registered");
        if (card.Status != CardStatus.Active || card.BlacklistedVersion is not null || card.City != request.City)
        {
            throw new ClearingInputException($"load: card {request.Asn} is {card.Status}{(card.BlacklistedVersion is null ? string.Empty : ", blacklisted")} or of another city");
        }

        var keys = CardKeys(request.Algorithm, request.KeyVersion, request.City, request.Asn);
        var session = EpMacs.LoadSessionKey(keys.Load, request.Random, request.OnlineCounter);
        if (EpMacs.LoadMac1(session, unchecked((uint)(int)request.BalanceBeforeFen), checked((uint)request.AmountFen), TransactionType.Load, request.Terminal) != request.Mac1)
        {
            throw new ClearingInputException("load: MAC1 does not verify (not a genuine card, or the request was altered)");
        }

        var now = Clock.Now(clock);

        // The card's online counter settles the loads it was authorised before and never confirmed (docs/lifecycle.md).
        Lifecycle.CreditClaims.AtContact(w, card, request.OnlineCounter, request.Mac1, now);
        if (w.FindPendingLoad(request.Asn, request.OnlineCounter) is { } existing)
        {
            var kept = w.LoadMac1(request.Asn, request.OnlineCounter);
            return existing.DeviceId == deviceId && existing.AmountFen == request.AmountFen && existing.BalanceBeforeFen == request.BalanceBeforeFen && (kept is null || kept == request.Mac1)
                ? existing
                : throw new ClearingInputException($"load: online counter {request.OnlineCounter} of card {request.Asn} is already authorised for another load");
        }

        if (request.ClaimCredits)
        {
            Lifecycle.CreditClaims.Reserve(w, request, deviceId);
        }

        var hostTime = new BcdDateTime(now.UtcDateTime + BusinessCalendar.ChinaOffset);
        var pending = new PendingLoad
        {
            Asn = request.Asn,
            OnlineCounter = request.OnlineCounter,
            DeviceId = deviceId,
            Terminal = request.Terminal,
            BalanceBeforeFen = request.BalanceBeforeFen,
            AmountFen = request.AmountFen,
            HostDateTime = hostTime,
            Mac2 = EpMacs.LoadMac2(session, checked((uint)request.AmountFen), TransactionType.Load, request.Terminal, hostTime),
            Status = LoadStatus.Authorised,
            AuthorisedUtc = now,
        };
        w.SavePendingLoad(pending);
        w.SetLoadMac1(request.Asn, request.OnlineCounter, request.Mac1);
        return pending;
    });

    /// <summary>Verifies the card's load TAC of an authorised load and marks it confirmed.</summary>
    public PendingLoad Confirm(uint deviceId, Asn asn, ushort onlineCounter, uint tac, EpAlgorithm algorithm, byte keyVersion) => store.Write(w =>
    {
        var pending = w.FindPendingLoad(asn, onlineCounter) ?? throw new ClearingInputException($"load: no load of card {asn} with online counter {onlineCounter} was authorised");
        if (pending.DeviceId != deviceId)
        {
            throw new ClearingInputException($"load: the load was authorised for device {pending.DeviceId}");
        }

        var card = w.FindCard(asn) ?? throw new ClearingInputException($"load: card {asn} is not registered");
        var keys = CardKeys(algorithm, keyVersion, card.City, asn);
        var expected = EpMacs.LoadTac(keys.TacKey, unchecked((uint)(int)(pending.BalanceBeforeFen + pending.AmountFen)), onlineCounter, checked((uint)pending.AmountFen), TransactionType.Load, pending.Terminal, pending.HostDateTime);
        if (expected != tac)
        {
            throw new ClearingInputException("load: the TAC does not verify");
        }

        var confirmed = pending with { Status = LoadStatus.Confirmed };
        w.SavePendingLoad(confirmed);
        Lifecycle.CreditClaims.Claim(w, confirmed, Clock.Now(clock), "load TAC confirmed");
        return confirmed;
    });

    private CardKeys CardKeys(EpAlgorithm algorithm, byte keyVersion, CityCode city, Asn asn) =>
        keySets.TryGetValue((algorithm, keyVersion), out var set)
            ? set.DeriveCardKeys(city, asn)
            : throw new ClearingInputException($"load: no issuer keys for {algorithm.Name()} version {keyVersion}");
}
