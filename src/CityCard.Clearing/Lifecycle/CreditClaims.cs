using CityCard.Clearing.Ledger;
using CityCard.Clearing.Loads;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Storage;

namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// Pending credits written by online loads, and the resolution of loads whose outcome the outlet never reported.
/// A claiming load reserves the card's available credits under (card, online counter); they are claimed when the load's
/// TAC is confirmed, or when the card's next contact shows an online counter past the load's (the card counts a load
/// only when it is written). A card that comes back with the same online counter never got the load: the authorisation
/// lapses and its credits are available again. So a credit is written exactly once, however the write was torn.
/// </summary>
internal static class CreditClaims
{
    /// <summary>Reserves every available credit of the card for this load; the amount must be their sum.</summary>
    public static void Reserve(IClearingWriter w, LoadRequest request, uint deviceId)
    {
        var available = w.PendingCredits(request.Asn).Where(c => c.Status == PendingCreditStatus.Available).ToList();
        var total = available.Sum(c => c.AmountFen);
        if (available.Count == 0)
        {
            throw new ClearingInputException($"load: card {request.Asn} has no pending credits to claim");
        }

        if (total != request.AmountFen)
        {
            throw new ClearingInputException($"load: card {request.Asn} has {total} fen of pending credits, the load is for {request.AmountFen} fen");
        }

        foreach (var credit in available)
        {
            w.SavePendingCredit(credit with { Status = PendingCreditStatus.Reserved, LoadCounter = request.OnlineCounter, LoadDevice = deviceId });
        }
    }

    /// <summary>Marks the credits reserved by a load as claimed and posts them (the outlet took no cash for them).</summary>
    public static void Claim(IClearingWriter w, PendingLoad load, DateTimeOffset now, string how)
    {
        var reserved = Reserved(w, load);
        if (reserved.Count == 0)
        {
            return;
        }

        var total = reserved.Sum(c => c.AmountFen);
        var outlet = w.FindDevice(load.DeviceId)?.OperatorId ?? throw new InvalidOperationException($"load device {load.DeviceId} vanished");
        w.AppendLedger(new LedgerTransaction(LedgerTransactionKind.PendingCreditClaim, Settings.Calendar(w).DayOf(now), $"pending credits of {load.Asn} written by load #{load.OnlineCounter} at device {load.DeviceId}",
        [
            new Posting(Account.PendingCredit(load.Asn), total),
            new Posting(Account.OutletCash(outlet), -total),
        ]));
        foreach (var credit in reserved)
        {
            w.SavePendingCredit(credit with { Status = PendingCreditStatus.Claimed, SettledUtc = now });
        }

        w.AppendOperatorLog($"device {load.DeviceId}", "credit-claimed", load.Asn.ToString(), now, $"{{\"reservedFen\":{total}}}", $"{{\"claimedFen\":{total},\"how\":\"{how}\"}}", $"load:{load.Asn}:{load.OnlineCounter}");
    }

    /// <summary>
    /// Resolves the card's open loads at a new contact with online counter <paramref name="counter"/>: a lower counter
    /// was written (resolved, credits claimed); the same counter under another session was not (lapsed: removed, credits
    /// available again).
    /// </summary>
    public static void AtContact(IClearingWriter w, CardAccount card, ushort counter, uint mac1, DateTimeOffset now)
    {
        foreach (var open in w.OpenLoads(card.Asn))
        {
            if (open.OnlineCounter < counter)
            {
                w.SetLoadStatus(open.Asn, open.OnlineCounter, LoadStatus.Resolved);
                Claim(w, open, now, "card counter at next contact");
                w.AppendOperatorLog("load host", "load-resolved", card.Asn.ToString(), now, $"{{\"counter\":{open.OnlineCounter},\"status\":\"{open.Status}\"}}", $"{{\"counter\":{open.OnlineCounter},\"status\":\"written\",\"cardCounter\":{counter}}}", $"load:{open.Asn}:{open.OnlineCounter}");
            }
            else if (open.OnlineCounter == counter && w.LoadMac1(open.Asn, open.OnlineCounter) is { } kept && kept != mac1)
            {
                foreach (var credit in Reserved(w, open))
                {
                    w.SavePendingCredit(credit with { Status = PendingCreditStatus.Available, LoadCounter = null, LoadDevice = null });
                }

                w.RemovePendingLoad(open.Asn, open.OnlineCounter);
                w.AppendOperatorLog("load host", "load-lapsed", card.Asn.ToString(), now, $"{{\"counter\":{open.OnlineCounter},\"status\":\"{open.Status}\",\"device\":{open.DeviceId},\"amountFen\":{open.AmountFen}}}", $"{{\"counter\":{open.OnlineCounter},\"status\":\"not written\"}}", $"load:{open.Asn}:{open.OnlineCounter}");
            }
        }
    }

    private static List<PendingCredit> Reserved(IClearingReader r, PendingLoad load) =>
        r.PendingCredits(load.Asn).Where(c => c.Status == PendingCreditStatus.Reserved && c.LoadCounter == load.OnlineCounter && c.LoadDevice == load.DeviceId).ToList();
}
