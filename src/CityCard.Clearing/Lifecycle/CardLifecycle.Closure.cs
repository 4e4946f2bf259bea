using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityCard.Clearing.Ledger;
using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Storage;
using CityCard.Clearing.Verification;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Lifecycle;

/// <summary>Closing a card for good: replacement of a lost card, refund (card present or lost), the loss statement.</summary>
public sealed partial class CardLifecycle
{
    /// <summary>
    /// Replaces a lost registered card once the waiting period has passed: a new card of the same product and holder
    /// (deposit carried over, replacement fee in cash) whose pending credit is the old card's recoverable value, with the
    /// loss statement that explains it; the old card is closed for good (it stays on the blacklist).
    /// </summary>
    public ReplacementAnswer Replace(OperatorRequest request, Asn asn, HolderIdentity identity, uint outletId)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(identity);
        return Once(request, "replace", Fingerprint(asn, identity.Name, identity.IdNumber, outletId), (w, now) =>
        {
            RequireOutlet(w, outletId);
            var (card, profile) = Registered(w, asn, identity);
            RequireWaited(card, profile, now, "replaced");
            var before = Snapshot(w, asn);
            var statement = BuildStatement(w, card, profile, now, final: true);
            var product = Catalog.Has(profile.Product) ? Catalog.Get(profile.Product) : throw new ClearingInputException($"card {asn}: product '{profile.Product}' is no longer in the catalog; change it first");
            var newAsn = AllocateAsn(w, card.City);
            var (newCard, newProfile, sale) = NewCard(newAsn, card.City, product, identity, card.DepositFen, outletId, now);
            var recovered = card.ShadowBalanceFen;
            var fee = Policy.ReplacementFeeFen;

            // Online payments and adjustments the lost card never wrote move to the new card with it: the old card can no
            // longer claim them at an outlet.
            var moving = OpenCredits(w, asn, PendingCreditStatus.Available);
            var transferred = Total(moving);
            var postings = new List<Posting>
            {
                new(Account.CardFloat(asn), recovered),
                recovered > 0 ? new(Account.PendingCredit(newAsn), -recovered) : new(Account.OutletCash(outletId), -recovered),
                new(Account.CardFloat(newAsn), 0),
                new(Account.OutletCash(outletId), fee),
                new(Account.Of(AccountKind.CardFeeIncome), -fee),
            };
            if (transferred > 0)
            {
                postings.Add(new(Account.PendingCredit(asn), transferred));
                postings.Add(new(Account.PendingCredit(newAsn), -transferred));
            }

            var ledger = new LedgerTransaction(LedgerTransactionKind.CardReplacement, Day(w, now), $"replacement of lost card {asn} by {newAsn}", postings);
            if (!w.AddCard(newCard, ledger))
            {
                throw new ClearingInputException($"card {newAsn} is already registered");
            }

            w.SaveProfile(newProfile with { Replaces = asn, ConcessionValidUntil = profile.ConcessionValidUntil ?? newProfile.ConcessionValidUntil });
            w.CloseCardAccount(asn);
            w.SaveProfile(profile with { ClosedAs = "replaced", ClosedUtc = now, ReplacedBy = newAsn, Statement = JsonSerializer.Serialize(statement, AnswerJson) });
            long? creditId = null;
            if (recovered > 0)
            {
                creditId = w.SavePendingCredit(new PendingCredit
                {
                    CreditId = 0,
                    Asn = newAsn,
                    Source = "replacement",
                    Reference = "replacement:" + asn,
                    AmountFen = recovered,
                    Status = PendingCreditStatus.Available,
                    CreatedUtc = now,
                }).CreditId;
            }

            foreach (var credit in moving)
            {
                w.SavePendingCredit(credit with { Status = PendingCreditStatus.Transferred, SettledUtc = now });
                w.SavePendingCredit(new PendingCredit
                {
                    CreditId = 0,
                    Asn = newAsn,
                    Source = credit.Source,
                    Reference = $"{credit.Reference} from {asn}",
                    AmountFen = credit.AmountFen,
                    Status = PendingCreditStatus.Available,
                    CreatedUtc = credit.CreatedUtc,
                });
            }

            Log(w, request, "replacement", asn, now, before, Snapshot(w, asn));
            Log(w, request, "card-sale", newAsn, now, "{}", Snapshot(w, newAsn));
            return new ReplacementAnswer(asn.ToString(), sale with { ConcessionValidUntil = profile.ConcessionValidUntil ?? sale.ConcessionValidUntil }, recovered, fee, creditId, statement, transferred);
        });
    }

    /// <summary>
    /// Refunds a card and closes it. Card present (<paramref name="cardBalanceFen"/> read from the card): the balance
    /// must equal the shadow balance. Lost registered card (<paramref name="cardBalanceFen"/> null): after the waiting
    /// period, from the shadow balance, with the loss statement. Deposit + balance − fee is paid out at the outlet; above
    /// the policy's approval amount a second operator must approve (<see cref="Approve"/>).
    /// </summary>
    public RefundAnswer Refund(OperatorRequest request, Asn asn, long? cardBalanceFen, uint outletId, HolderIdentity? identity)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Once(request, "refund", Fingerprint(asn, cardBalanceFen, outletId, identity?.Name, identity?.IdNumber), (w, now) =>
        {
            RequireOutlet(w, outletId);
            var (card, _) = RefundCheck(w, asn, cardBalanceFen, identity, now);
            var credits = RefundedCredits(w, asn, cardBalanceFen);
            var (fee, paidOut) = RefundAmounts(card, credits);
            if (paidOut > Policy.ApprovalAboveFen)
            {
                var payload = new JsonObject { ["asn"] = asn.ToString(), ["cardBalanceFen"] = cardBalanceFen, ["outletId"] = outletId }.ToJsonString();
                var approval = Hold(w, request, "refund", asn, paidOut, payload, now);
                return new RefundAnswer("awaiting-approval", approval.ApprovalId, asn.ToString(), card.DepositFen, card.ShadowBalanceFen, fee, paidOut, null, null, Total(credits));
            }

            return DoRefund(w, request, asn, cardBalanceFen, outletId, now, approvedFen: null);
        });
    }

    /// <summary>The loss statement of a lost card: provisional while it waits, final (as kept) once replaced or refunded.</summary>
    public LossStatement Statement(Asn asn) => store.Read(r =>
    {
        var card = r.FindCard(asn) ?? throw new ClearingInputException($"card {asn} is not registered");
        var profile = r.FindProfile(asn);
        if (profile?.Statement is { } kept)
        {
            return JsonSerializer.Deserialize<LossStatement>(kept, AnswerJson)!;
        }

        return profile?.LostUtc is null
            ? throw new ClearingInputException($"card {asn} is not reported lost: it has no loss statement")
            : BuildStatement(r, card, profile, Clock.Now(clock), final: false);
    });

    /// <summary>Carries out a refund; <paramref name="approvedFen"/>: the payout a second operator approved (null: none needed).</summary>
    private RefundAnswer DoRefund(IClearingWriter w, OperatorRequest request, Asn asn, long? cardBalanceFen, uint outletId, DateTimeOffset now, long? approvedFen)
    {
        var card = w.FindCard(asn) ?? throw new ClearingInputException($"card {asn} is not registered");
        var profile = w.FindProfile(asn);
        if (approvedFen is not null)
        {
            // The card may have changed while the refund waited for approval: check again (identity was checked when asked).
            if (profile?.ClosedAs is { } closed)
            {
                throw new ClearingInputException($"card {asn} is closed ({closed})");
            }

            if (cardBalanceFen is { } balance && balance != card.ShadowBalanceFen)
            {
                throw new ClearingInputException($"card {asn}: the shadow balance changed to {card.ShadowBalanceFen} fen while the refund waited; ask again");
            }

            // Everything else asked of a refund must still hold (a loss report or an online payment while it waited…).
            RefundCheck(w, asn, cardBalanceFen, null, now, approved: true);
        }

        var before = Snapshot(w, asn);
        var credits = RefundedCredits(w, asn, cardBalanceFen);
        var creditsFen = Total(credits);
        var (fee, paidOut) = RefundAmounts(card, credits);
        if (approvedFen is { } approvedPayout && paidOut != approvedPayout)
        {
            // The checker approved an amount: late records, credits or a deposit change since make it another refund.
            throw new ClearingInputException($"card {asn}: the refund would now pay out {paidOut} fen, not the {approvedPayout} fen that were approved; decline it and ask again");
        }

        LossStatement? statement = cardBalanceFen is null && profile is not null ? BuildStatement(w, card, profile, now, final: true) : null;
        var postings = new List<Posting>
        {
            new(Account.CardFloat(asn), card.ShadowBalanceFen),
            new(Account.Of(AccountKind.CardDeposits), card.DepositFen),
            new(Account.OutletCash(outletId), -paidOut),
            new(Account.Of(AccountKind.CardFeeIncome), -fee),
        };
        if (creditsFen != 0)
        {
            postings.Add(new(Account.PendingCredit(asn), creditsFen));
        }

        w.AppendLedger(new LedgerTransaction(LedgerTransactionKind.CardRefund, Day(w, now), $"refund of card {asn}", postings));
        foreach (var credit in credits)
        {
            w.SavePendingCredit(credit with { Status = PendingCreditStatus.Refunded, SettledUtc = now });
        }

        uint? version = null;
        if (card.BlacklistedVersion is null)
        {
            version = w.AddBlacklistEntry(asn, BlacklistAction.Add, $"refunded and closed (request {request.RequestId})", now);
        }

        w.CloseCardAccount(asn);
        var closedProfile = (profile ?? new CardProfile { Asn = asn, Product = "none", ValidUntil = DateOnly.MaxValue })
            with { ClosedAs = "refunded", ClosedUtc = now, Statement = statement is null ? null : JsonSerializer.Serialize(statement, AnswerJson) };
        w.SaveProfile(closedProfile);
        Log(w, request, "refund", asn, now, before, Snapshot(w, asn));
        return new RefundAnswer("done", null, asn.ToString(), card.DepositFen, card.ShadowBalanceFen, fee, paidOut, version, statement, creditsFen);
    }

    /// <summary>
    /// What a refund requires. <paramref name="approved"/>: checked again when a second operator approves a held refund;
    /// the holder's identity was checked when it was asked for.
    /// </summary>
    private (CardAccount Card, CardProfile? Profile) RefundCheck(IClearingWriter w, Asn asn, long? cardBalanceFen, HolderIdentity? identity, DateTimeOffset now, bool approved = false)
    {
        if (cardBalanceFen is null)
        {
            var (lostCard, lostProfile) = approved
                ? (w.FindCard(asn) ?? throw new ClearingInputException($"card {asn} is not registered"), w.FindProfile(asn) ?? throw new ClearingInputException($"card {asn} has no profile"))
                : Registered(w, asn, identity ?? throw new ClearingInputException($"card {asn}: a lost card is refunded only to its registered holder (name and ID number)"));
            RequireWaited(lostCard, lostProfile, now, "refunded");
            return (lostCard, lostProfile);
        }

        var card = w.FindCard(asn) ?? throw new ClearingInputException($"card {asn} is not registered");
        var profile = w.FindProfile(asn);
        if (profile?.ClosedAs is { } closed)
        {
            throw new ClearingInputException($"card {asn} is closed ({closed} at {profile.ClosedUtc:yyyy-MM-dd HH:mm:ss}Z): it cannot be refunded again");
        }

        if (card.Status != CardStatus.Active || card.BlacklistedVersion is not null)
        {
            throw new ClearingInputException($"card {asn} is {card.Status}{(card.BlacklistedVersion is null ? string.Empty : ", blacklisted")}: a blocked card is not refunded at the counter (a lost registered card is refunded after the waiting period without the card)");
        }

        if (!approved && profile?.HolderName is not null && (identity is null || !identity.Matches(profile)))
        {
            throw new ClearingInputException($"card {asn}: the name and ID number do not match the registered holder");
        }

        if (cardBalanceFen != card.ShadowBalanceFen)
        {
            throw new ClearingInputException($"card {asn}: the card says {cardBalanceFen} fen, the centre's shadow balance is {card.ShadowBalanceFen} fen — records are still on their way; refund after the terminals have uploaded");
        }

        if (w.PendingCredits(asn).Any(c => c.Status is PendingCreditStatus.Available or PendingCreditStatus.Reserved))
        {
            throw new ClearingInputException($"card {asn} has pending credits: load them onto the card (or let the healer refund them) before the refund");
        }

        return (card, profile);
    }

    private (long Fee, long PaidOut) RefundAmounts(CardAccount card, IReadOnlyList<PendingCredit> credits)
    {
        var value = checked(card.DepositFen + card.ShadowBalanceFen + Total(credits));
        var fee = Math.Clamp(Policy.RefundFeeFen, 0, Math.Max(0, value));
        return (fee, value - fee);
    }

    /// <summary>
    /// The pending credits a refund pays out: a lost card's available credits (online payments and adjustments it can no
    /// longer write); none for a card present, which is refunded only without open credits.
    /// </summary>
    private static List<PendingCredit> RefundedCredits(IClearingReader r, Asn asn, long? cardBalanceFen) =>
        cardBalanceFen is null ? OpenCredits(r, asn, PendingCreditStatus.Available) : [];

    private static List<PendingCredit> OpenCredits(IClearingReader r, Asn asn, PendingCreditStatus status) =>
        r.PendingCredits(asn).Where(c => c.Status == status).ToList();

    private static long Total(IReadOnlyList<PendingCredit> credits) => credits.Aggregate(0L, (sum, c) => checked(sum + c.AmountFen));

    private void RequireWaited(CardAccount card, CardProfile profile, DateTimeOffset now, string what)
    {
        if (profile.LostUtc is not { } lost || card.Status != CardStatus.Lost)
        {
            throw new ClearingInputException($"card {card.Asn} is not reported lost ({card.Status}): only a lost card is {what} without the card");
        }

        var from = lost + Policy.WaitingPeriod;
        if (now < from)
        {
            throw new ClearingInputException($"card {card.Asn} was reported lost at {lost:yyyy-MM-dd HH:mm:ss}Z: it can be {what} from {from:yyyy-MM-dd HH:mm:ss}Z (waiting period of {Policy.WaitingPeriodDays} days for late offline uploads)");
        }
    }

    private static LossStatement BuildStatement(IClearingReader r, CardAccount card, CardProfile profile, DateTimeOffset now, bool final)
    {
        var lost = profile.LostUtc ?? throw new ClearingInputException($"card {card.Asn} is not reported lost");
        var running = profile.LostBalanceFen ?? card.ShadowBalanceFen;
        var atReport = running;
        var lines = new List<StatementLine>();
        foreach (var line in r.CardRecords(card.Asn).Where(l => l.ReceivedUtc >= lost && l.Stored.Record.Key.Kind != CounterKind.Access))
        {
            var record = line.Stored.Record;
            var accepted = record.Outcome == RecordOutcome.Accepted;
            var effect = !accepted ? 0 : record.Kind == RecordKind.Load ? record.AmountFen : -record.AmountFen;
            running = checked(running + effect);
            var terminalVersion = RecordCodec.Read(record.Raw, 0).BlacklistVersion;
            var why = accepted
                ? record.Reason == ReasonCode.AcceptedOnReview
                    ? $"accepted on review by a supervisor (the terminal had blacklist version {terminalVersion}, the card is listed in {card.BlacklistedVersion}); {(effect < 0 ? "charged to the card" : "added to the card")}"
                    : $"accepted: made before the terminal had the blacklist (it had version {terminalVersion}, the card is listed in {card.BlacklistedVersion}); {(effect < 0 ? "charged to the card" : "added to the card")}"
                : record.Reason == ReasonCode.UsedAfterBlacklisting
                    ? $"refused: the terminal already had blacklist version {terminalVersion}; not charged to the holder"
                    : $"not counted: {record.Outcome.Name()} ({record.Reason.Name()})";
            lines.Add(new StatementLine(
                record.Order.Time.ToString(CultureInfo.InvariantCulture), line.ReceivedUtc, line.Stored.DeviceId, line.Stored.BatchNumber, record.Index,
                record.Kind.ToString().ToLowerInvariant(), record.Key.Counter, record.AmountFen, record.BalanceBeforeFen, record.BalanceAfterFen,
                record.Outcome.Name(), record.Reason.Name(), terminalVersion, effect, running, why));
        }

        if (running != card.ShadowBalanceFen)
        {
            // Records uploaded before the report but accepted later (on review) moved the balance too: one line says so.
            var other = card.ShadowBalanceFen - running;
            running = card.ShadowBalanceFen;
            lines.Add(new StatementLine(string.Empty, now, 0, 0, 0, "review", 0, Math.Abs(other), 0, 0, "accepted", ReasonCode.AcceptedOnReview.Name(), 0, other, running, "records received before the report and accepted on review since"));
        }

        return new LossStatement(card.Asn.ToString(), lost, card.BlacklistedVersion ?? 0, atReport, lines, running, now, final);
    }
}
