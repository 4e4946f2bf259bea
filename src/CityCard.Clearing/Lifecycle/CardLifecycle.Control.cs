using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityCard.Clearing.Ledger;
using CityCard.Clearing.Storage;
using CityCard.Security.Ep;

namespace CityCard.Clearing.Lifecycle;

/// <summary>Control: idempotency by request id, the operator log, maker-checker approvals and manual adjustments.</summary>
public sealed partial class CardLifecycle
{
    internal static readonly JsonSerializerOptions AnswerJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Credits a card with a goodwill amount as a pending credit (written at its next load visit). Above the policy's
    /// approval amount it is held until a second operator approves it.
    /// </summary>
    public AdjustmentAnswer Adjust(OperatorRequest request, Asn asn, long amountFen, string reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (amountFen is <= 0 or > 100_000_00)
        {
            throw new ClearingInputException($"adjustment: {amountFen} fen is outside 1..10000000");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ClearingInputException("adjustment: a reason is required");
        }

        return Once(request, "adjust", Fingerprint(asn, amountFen, reason), (w, now) =>
        {
            var card = w.FindCard(asn) ?? throw new ClearingInputException($"card {asn} is not registered");
            if (w.FindProfile(asn) is { ClosedAs: { } closed })
            {
                throw new ClearingInputException($"card {asn} is closed ({closed})");
            }

            if (amountFen > Policy.ApprovalAboveFen)
            {
                var payload = new JsonObject { ["asn"] = asn.ToString(), ["amountFen"] = amountFen, ["reason"] = reason }.ToJsonString();
                var approval = Hold(w, request, "adjust", asn, amountFen, payload, now);
                return new AdjustmentAnswer("awaiting-approval", approval.ApprovalId, asn.ToString(), amountFen, null);
            }

            return DoAdjust(w, request, card.Asn, amountFen, reason, now);
        });
    }

    /// <summary>Approves a held refund or adjustment as a second operator (not the one who asked) and carries it out.</summary>
    public ApprovalAnswer Approve(OperatorRequest request, long approvalId) => Decide(request, approvalId, approve: true);

    /// <summary>Declines a held refund or adjustment as a second operator: nothing is done.</summary>
    public ApprovalAnswer Decline(OperatorRequest request, long approvalId) => Decide(request, approvalId, approve: false);

    /// <summary>Operations waiting for a second operator.</summary>
    public IReadOnlyList<Approval> PendingApprovals() => store.Read(r => r.PendingApprovals());

    private ApprovalAnswer Decide(OperatorRequest request, long approvalId, bool approve)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Once(request, approve ? "approve" : "decline", Fingerprint(approvalId), (w, now) =>
        {
            var approval = w.FindApproval(approvalId) ?? throw new ClearingInputException($"approval {approvalId} does not exist");
            if (!string.Equals(approval.Status, "pending", StringComparison.Ordinal))
            {
                throw new ClearingInputException($"approval {approvalId} was already {approval.Status} by {approval.Checker}");
            }

            if (string.Equals(approval.Maker, request.Operator, StringComparison.OrdinalIgnoreCase))
            {
                throw new ClearingInputException($"approval {approvalId}: {request.Operator} asked for it; a second, different operator must decide");
            }

            var decided = w.SaveApproval(approval with { Status = approve ? "approved" : "declined", Checker = request.Operator, DecidedUtc = now });
            var asn = Asn.Parse(approval.Subject, "subject");
            Log(w, request, approve ? "approval" : "decline", asn, now, $"{{\"approval\":{approvalId},\"status\":\"pending\"}}", $"{{\"approval\":{approvalId},\"status\":\"{decided.Status}\"}}");
            RefundAnswer? refund = null;
            AdjustmentAnswer? adjustment = null;
            if (approve)
            {
                var payload = JsonNode.Parse(approval.Payload)!.AsObject();
                var maker = new OperatorRequest(approval.RequestId, approval.Maker);
                if (string.Equals(approval.Operation, "refund", StringComparison.Ordinal))
                {
                    refund = DoRefund(w, maker, asn, payload["cardBalanceFen"]?.GetValue<long>(), (uint)payload["outletId"]!.GetValue<long>(), now, approval.AmountFen) with { ApprovalId = approvalId };
                }
                else
                {
                    if (w.FindProfile(asn) is { ClosedAs: { } closed })
                    {
                        // Replaced or refunded while it waited: a credit on the closed card could never be written.
                        throw new ClearingInputException($"card {asn} was closed ({closed}) while the adjustment waited; decline it and ask again for the card that replaced it");
                    }

                    adjustment = DoAdjust(w, maker, asn, payload["amountFen"]!.GetValue<long>(), payload["reason"]!.GetValue<string>(), now) with { ApprovalId = approvalId };
                }
            }

            // The maker's request now answers with the decision: repeating it (the outlet that holds the card, to pay out
            // and block it) gets the refund done or declined instead of "awaiting approval" for ever.
            if (w.FindOperation(approval.RequestId) is { } held)
            {
                object answer = string.Equals(approval.Operation, "refund", StringComparison.Ordinal)
                    ? refund ?? JsonSerializer.Deserialize<RefundAnswer>(held.Answer, AnswerJson)! with { Status = decided.Status }
                    : adjustment ?? JsonSerializer.Deserialize<AdjustmentAnswer>(held.Answer, AnswerJson)! with { Status = decided.Status };
                w.ReplaceOperationAnswer(approval.RequestId, JsonSerializer.Serialize(answer, answer.GetType(), AnswerJson));
            }

            return new ApprovalAnswer(approvalId, approval.Operation, approval.Maker, request.Operator, decided.Status, refund, adjustment);
        });
    }

    private static AdjustmentAnswer DoAdjust(IClearingWriter w, OperatorRequest request, Asn asn, long amountFen, string reason, DateTimeOffset now)
    {
        var before = Snapshot(w, asn);
        w.AppendLedger(new LedgerTransaction(LedgerTransactionKind.ManualAdjustment, Day(w, now), $"adjustment {asn}: {reason}",
        [
            new Posting(Account.Of(AccountKind.ManualAdjustments), amountFen),
            new Posting(Account.PendingCredit(asn), -amountFen),
        ]));
        var credit = w.SavePendingCredit(new PendingCredit
        {
            CreditId = 0,
            Asn = asn,
            Source = "adjustment",
            Reference = "adjustment:" + request.RequestId,
            AmountFen = amountFen,
            Status = PendingCreditStatus.Available,
            CreatedUtc = now,
        });
        Log(w, request, "adjustment", asn, now, before, Snapshot(w, asn));
        return new AdjustmentAnswer("done", null, asn.ToString(), amountFen, credit.CreditId);
    }

    private static Approval Hold(IClearingWriter w, OperatorRequest request, string operation, Asn asn, long amountFen, string payload, DateTimeOffset now)
    {
        var approval = w.SaveApproval(new Approval
        {
            ApprovalId = 0,
            Operation = operation,
            Subject = asn.ToString(),
            AmountFen = amountFen,
            Maker = request.Operator,
            RequestId = request.RequestId,
            Payload = payload,
            Status = "pending",
            CreatedUtc = now,
        });
        Log(w, request, operation + "-held", asn, now, "{}", $"{{\"approval\":{approval.ApprovalId},\"amountFen\":{amountFen}}}");
        return approval;
    }

    /// <summary>Runs an operation once per request id: a replay with the same parameters returns the stored first answer.</summary>
    private T Once<T>(OperatorRequest request, string operation, string fingerprint, Func<IClearingWriter, DateTimeOffset, T> work)
        where T : class => Once(store, clock, request, operation, fingerprint, work);

    internal static T Once<T>(IClearingStore store, TimeProvider clock, OperatorRequest request, string operation, string fingerprint, Func<IClearingWriter, DateTimeOffset, T> work)
        where T : class => store.Write(w =>
    {
        var print = request.Operator + "|" + fingerprint;
        if (w.FindOperation(request.RequestId) is { } done)
        {
            return string.Equals(done.Operation, operation, StringComparison.Ordinal) && string.Equals(done.Fingerprint, print, StringComparison.Ordinal)
                ? JsonSerializer.Deserialize<T>(done.Answer, AnswerJson) ?? throw new InvalidOperationException($"request {request.RequestId}: stored answer is empty")
                : throw new ClearingInputException($"request id '{request.RequestId}' was already used for {done.Operation} with other parameters");
        }

        var now = Clock.Now(clock);
        var answer = work(w, now);
        w.SaveOperation(new StoredOperation(request.RequestId, operation, print, JsonSerializer.Serialize(answer, AnswerJson), now));
        return answer;
    });

    internal static string Fingerprint(params object?[] parts) =>
        string.Join("|", parts.Select(p => Convert.ToString(p, CultureInfo.InvariantCulture)?.Trim() ?? "-"));

    internal static void Log(IClearingWriter w, OperatorRequest request, string action, Asn asn, DateTimeOffset now, string before, string after) =>
        w.AppendOperatorLog(request.Operator, action, asn.ToString(), now, before, after, request.RequestId);

    /// <summary>The card's state for the operator log's before/after (compact JSON).</summary>
    internal static string Snapshot(IClearingReader r, Asn asn)
    {
        var card = r.FindCard(asn);
        if (card is null)
        {
            return "{}";
        }

        var profile = r.FindProfile(asn);
        var pending = r.PendingCredits(asn).Where(c => c.Status is PendingCreditStatus.Available or PendingCreditStatus.Reserved).Sum(c => c.AmountFen);
        return new JsonObject
        {
            ["status"] = card.Status.ToString().ToLowerInvariant(),
            ["shadowBalanceFen"] = card.ShadowBalanceFen,
            ["depositFen"] = card.DepositFen,
            ["cardType"] = card.CardType,
            ["blacklisted"] = card.BlacklistedVersion,
            ["product"] = profile?.Product,
            ["lost"] = profile?.LostUtc?.ToUnixTimeSeconds(),
            ["closed"] = profile?.ClosedAs,
            ["concessionValidUntil"] = profile?.ConcessionValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["pendingCreditsFen"] = pending,
        }.ToJsonString();
    }
}
