using CityCard.Clearing.Ledger;
using CityCard.Clearing.Loads;
using CityCard.Clearing.Storage;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Lifecycle;

/// <summary>
/// Online top-up (在线充值): a payment notification credits the card's pending credits once per payment id; the card's
/// next visit to an outlet writes them with an online load (<see cref="OnlineLoads"/> with
/// <see cref="Loads.LoadRequest.ClaimCredits"/>); the healer (<see cref="Heal"/>) refunds payments never written to a card
/// and expires load authorisations nobody finished.
/// </summary>
public sealed class OnlineTopUps
{
    /// <summary>The operator name payment notifications are logged under.</summary>
    public const string GatewayOperator = "payment-gateway";

    private const int HealBatch = 10_000;

    private readonly IClearingStore store;
    private readonly LifecyclePolicy policy;
    private readonly TimeProvider clock;

    /// <summary>Creates the service.</summary>
    public OnlineTopUps(IClearingStore store, LifecyclePolicy policy, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(clock);
        this.store = store;
        this.policy = policy;
        this.clock = clock;
    }

    /// <summary>
    /// Credits a verified payment to the card's pending credits. Idempotent by <paramref name="paymentId"/>: the same
    /// notification again gets the first answer; another card or amount under the same payment id is refused.
    /// </summary>
    public TopUpAnswer Notify(string paymentId, Asn asn, long amountFen)
    {
        var request = new OperatorRequest("payment:" + paymentId, GatewayOperator);
        if (amountFen is <= 0 or > 100_000_00)
        {
            throw new ClearingInputException($"payment {paymentId}: {amountFen} fen is outside 1..10000000");
        }

        return CardLifecycle.Once(store, clock, request, "topup", CardLifecycle.Fingerprint(asn, amountFen), (w, now) =>
        {
            var card = w.FindCard(asn) ?? throw new ClearingInputException($"payment {paymentId}: card {asn} is not registered");
            if (w.FindProfile(asn)?.ClosedAs is not null || card.Status == Registry.CardStatus.Cancelled)
            {
                throw new ClearingInputException($"payment {paymentId}: card {asn} is closed; refund the payment");
            }

            var before = CardLifecycle.Snapshot(w, asn);
            w.AppendLedger(new LedgerTransaction(LedgerTransactionKind.OnlineTopUp, Settlement.Settings.Calendar(w).DayOf(now), $"online payment {paymentId} for {asn}",
            [
                new Posting(Account.Of(AccountKind.PaymentGateway), amountFen),
                new Posting(Account.PendingCredit(asn), -amountFen),
            ]));
            var credit = w.SavePendingCredit(new PendingCredit
            {
                CreditId = 0,
                Asn = asn,
                Source = "payment",
                Reference = "payment:" + paymentId,
                AmountFen = amountFen,
                Status = PendingCreditStatus.Available,
                CreatedUtc = now,
            });
            CardLifecycle.Log(w, request, "online-topup", asn, now, before, CardLifecycle.Snapshot(w, asn));
            return new TopUpAnswer(paymentId, asn.ToString(), amountFen, credit.CreditId, "credited");
        });
    }

    /// <summary>A card's pending credits (every status), oldest first.</summary>
    public IReadOnlyList<PendingCredit> Credits(Asn asn) => store.Read(r => r.PendingCredits(asn));

    /// <summary>
    /// The "paid but not loaded" healer: refunds, through the gateway, every payment credit still available after the
    /// policy's days; keeps (and lists) recovered-value and adjustment credits, which have no payment to return to; and
    /// expires load authorisations older than the policy's minutes (their credits stay reserved until the card's next
    /// contact shows whether the load was written).
    /// </summary>
    public HealReport Heal(OperatorRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CardLifecycle.Once(store, clock, request, "heal", "heal", (w, now) =>
        {
            var expired = new List<string>();
            foreach (var load in w.StaleLoads(now - TimeSpan.FromMinutes(policy.LoadAuthorisationMinutes), HealBatch).Where(l => l.Status == LoadStatus.Authorised))
            {
                w.SetLoadStatus(load.Asn, load.OnlineCounter, LoadStatus.Expired);
                w.AppendOperatorLog(request.Operator, "load-expired", load.Asn.ToString(), now, $"{{\"counter\":{load.OnlineCounter},\"status\":\"authorised\"}}", $"{{\"counter\":{load.OnlineCounter},\"status\":\"expired\"}}", request.RequestId);
                expired.Add($"{load.Asn} #{load.OnlineCounter} ({load.AmountFen} fen at device {load.DeviceId}, authorised {load.AuthorisedUtc:yyyy-MM-dd HH:mm:ss}Z)");
            }

            var refunded = new List<HealLine>();
            var kept = new List<HealLine>();
            foreach (var credit in w.StalePendingCredits(now - TimeSpan.FromDays(policy.PendingCreditDays), HealBatch))
            {
                if (!string.Equals(credit.Source, "payment", StringComparison.Ordinal))
                {
                    kept.Add(Line(credit, "kept: no payment to refund to; the holder claims it at an outlet or asks for a refund"));
                    continue;
                }

                w.AppendLedger(new LedgerTransaction(LedgerTransactionKind.PendingCreditRefund, Settlement.Settings.Calendar(w).DayOf(now), $"unclaimed {credit.Reference} of {credit.Asn} refunded",
                [
                    new Posting(Account.PendingCredit(credit.Asn), credit.AmountFen),
                    new Posting(Account.Of(AccountKind.PaymentGateway), -credit.AmountFen),
                ]));
                w.SavePendingCredit(credit with { Status = PendingCreditStatus.Refunded, SettledUtc = now });
                w.AppendOperatorLog(request.Operator, "credit-refunded", credit.Asn.ToString(), now, $"{{\"credit\":{credit.CreditId},\"status\":\"available\"}}", $"{{\"credit\":{credit.CreditId},\"status\":\"refunded\",\"amountFen\":{credit.AmountFen}}}", request.RequestId);
                refunded.Add(Line(credit, $"refunded to the payer: unclaimed for more than {policy.PendingCreditDays} days"));
            }

            return new HealReport(now, refunded, kept, expired, refunded.Sum(l => l.AmountFen));
        });
    }

    private static HealLine Line(PendingCredit c, string note) => new(c.CreditId, c.Asn.ToString(), c.Source, c.Reference, c.AmountFen, c.CreatedUtc, note);
}
