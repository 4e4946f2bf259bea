using CityCard.Cards.Apdu;
using CityCard.Cards.Cos;
using CityCard.Cards.Issuance;
using CityCard.Cards.Transactions;
using CityCard.Records;
using CityCard.Terminals.Common;
using CityCard.Terminals.Core;

namespace CityCard.Terminals.Outlet;

/// <summary>
/// A card sale and top-up outlet (售卡、充值网点). Loads are online: the card's INITIALIZE FOR LOAD goes to the centre,
/// which verifies MAC1 with the issuer load key and answers with the host time and MAC2; CREDIT FOR LOAD returns the TAC,
/// which the centre verifies. A load torn after the centre's authorisation is kept and finished with GET TRANSACTION
/// PROVE when the card returns — loaded once, never twice. The cash drawer is journalled for the shift report.
/// </summary>
public sealed class TopUpOutlet
{
    private readonly LoadExchange exchange;

    /// <summary>Creates an outlet whose loads are authorised by <paramref name="authority"/> under terminal number <paramref name="terminal"/>.</summary>
    public TopUpOutlet(TerminalCore core, ILoadAuthority authority, Security.Ep.TerminalId terminal)
    {
        Core = core ?? throw new ArgumentNullException(nameof(core));
        exchange = new LoadExchange(authority ?? throw new ArgumentNullException(nameof(authority)), terminal);
    }

    /// <summary>The terminal core.</summary>
    public TerminalCore Core { get; }

    /// <summary>The centre's registry for card sales (null: the outlet sells offline and registers later).</summary>
    public ICardRegistrar? Registrar { get; init; }

    /// <summary>Marks a journalled load as a claim of the centre's pending credits (no cash taken); not part of the record.</summary>
    private const uint ClaimMarker = 0x434C_4149;

    /// <summary>Loads <paramref name="amountFen"/> paid in cash; first finishes a torn load of the same card.</summary>
    public TapResult Load(IApduChannel card, long amountFen) => Load(card, amountFen, claim: false);

    /// <summary>
    /// Writes the card's pending credits held by the centre (online payments, a replaced card's value): an online load of
    /// exactly their sum, authorised as a claim (the authority must send it as one), no cash taken. Torn writes finish
    /// like cash loads: once, by GET TRANSACTION PROVE or the card's online counter at the centre.
    /// </summary>
    public TapResult Claim(IApduChannel card, long amountFen) => Load(card, amountFen, claim: true);

    /// <summary>
    /// Refund at the counter: reads the card's balance, asks <paramref name="refund"/> (the centre) to refund it, and
    /// blocks the card's application when the centre closed the card. Returns the centre's message. The payout is
    /// journalled once per <paramref name="requestId"/>: repeating the request (to block the card after a failed write, or
    /// to finish a refund a second operator approved) pays nothing again.
    /// </summary>
    public TapResult Refund(IApduChannel card, Func<Security.Ep.Asn, long, (bool Closed, long PaidOutFen, string Message)> refund, ICardBlocker blocker, string requestId)
    {
        ArgumentNullException.ThrowIfNull(refund);
        ArgumentNullException.ThrowIfNull(blocker);
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        var reading = CardReader.Read(card, 1);
        if (reading.Outcome != ReadOutcome.Read || reading.PublicInfo is null || reading.Balance is not { } balance)
        {
            return new TapResult(TapOutcome.PresentAgain, "Card not read — present it again (nothing refunded)");
        }

        var (closed, paidOut, message) = refund(reading.PublicInfo.Asn, balance);
        if (!closed)
        {
            return new TapResult(TapOutcome.Refused, message);
        }

        RecordCash("refund", -paidOut, reading.PublicInfo.Asn, requestId);
        return blocker.Block(card)
            ? new TapResult(TapOutcome.Completed, message + " — card blocked", null, balance)
            : new TapResult(TapOutcome.Completed, message + " — the card could not be blocked: keep it (it is on the blacklist)", null, balance);
    }

    private TapResult Load(IApduChannel card, long amountFen, bool claim)
    {
        if (amountFen is <= 0 or > 100_000_00)
        {
            throw new ArgumentOutOfRangeException(nameof(amountFen), amountFen, "a load is 1 fen to 100,000 yuan");
        }

        if (CardSession.Identify(card, out var info, out _) == IdentifyStatus.Identified
            && Core.Pending.FirstOrDefault(p => p.Kind == "load" && p.Asn == info!.Asn.ToString()) is { } pending)
        {
            var recovered = Recover(card, pending);
            if (recovered is not null)
            {
                return recovered;
            }
        }

        var context = new RecordContext { MerchantId = Core.Config.OperatorId, FullFareFen = amountFen, Extra1 = claim ? ClaimMarker : 0 };

        // The approved load is journalled before CREDIT, so an outlet that dies after the card's credit can finish it.
        PendingTransaction? intent = null;
        var result = exchange.Load(card, checked((uint)amountFen), (request, authorization) => intent = Core.AddPending(PendingTransaction.FromLoad(request, authorization, context)));
        if (intent is not null && result.Outcome is not (LoadOutcome.Completed or LoadOutcome.TacInvalid or LoadOutcome.Interrupted))
        {
            Core.ResolvePending(intent.Sequence);
        }

        TransactionRecord Journal(LoadRecord load) => intent is null
            ? Core.Append(ToRecord(load, context, RecordMarks.None))
            : Core.AppendResolving(ToRecord(load, context, RecordMarks.None), intent.Sequence);
        switch (result.Outcome)
        {
            case LoadOutcome.Completed:
            {
                var record = Journal(result.Record!);
                TakeCash(context, record);
                return new TapResult(TapOutcome.Completed, $"{(claim ? "Credited" : "Loaded")} {PurchaseTerminal.Yuan(amountFen)} — balance {PurchaseTerminal.Yuan(record.BalanceAfterFen)}", record, record.BalanceAfterFen);
            }

            case LoadOutcome.TacInvalid:
            {
                var record = Journal(result.Record!);
                TakeCash(context, record);
                return new TapResult(TapOutcome.Refused, "Card loaded but its TAC did not verify — reported to the centre", record, record.BalanceAfterFen);
            }

            case LoadOutcome.Interrupted:
                if (intent is null)
                {
                    Core.AddPending(PendingTransaction.FromLoad(result.Request!, result.Authorization!, context));
                }

                return new TapResult(TapOutcome.PresentAgain, "Card moved away during the load — present the same card again (it will be loaded once)");
            case LoadOutcome.BalanceLimit:
                return new TapResult(TapOutcome.Refused, "Load refused: the card's balance would exceed its limit");
            case LoadOutcome.Blocked:
                return new TapResult(TapOutcome.Refused, "Card blocked — cannot load");
            case LoadOutcome.Mac1Invalid:
                return new TapResult(TapOutcome.Refused, "The centre refused the card (MAC1 invalid) — nothing loaded");
            case LoadOutcome.UnknownKey:
                return new TapResult(TapOutcome.Refused, "The centre does not know this card's key version — nothing loaded");
            case LoadOutcome.Declined:
                return new TapResult(TapOutcome.Refused, "The centre declined the load — nothing loaded");
            case LoadOutcome.CardRemoved:
                return new TapResult(TapOutcome.PresentAgain, "Card not read — present it again (nothing loaded)");
            default:
                return new TapResult(TapOutcome.Refused, $"Load failed ({result}) — nothing loaded");
        }
    }

    /// <summary>
    /// Rewrites a card at the counter after the centre recorded a concession renewal or a product change: the card type in
    /// EF 0015 (when <paramref name="cardType"/> is given) and the concession's verification date in EF 0019, each with a
    /// line-protected UPDATE BINARY under the card's maintenance key. Writing the same values again is harmless, so a
    /// failed write is retried by repeating the operation (the centre answers a repeated request id with the same answer).
    /// </summary>
    public static TapResult Rewrite(IApduChannel card, Security.Ep.Asn expected, Security.Keys.IssuerKeySet keySet, Cards.Application.CardType? cardType, Cards.Application.ConcessionData concession)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        ArgumentNullException.ThrowIfNull(concession);
        if (CardSession.Identify(card, out var info, out _) != IdentifyStatus.Identified || info is null)
        {
            return new TapResult(TapOutcome.PresentAgain, "Card not read — present it again (the centre has recorded the change; repeat it to write the card)");
        }

        if (info.Asn != expected)
        {
            return new TapResult(TapOutcome.Refused, $"This is card {info.Asn}, not {expected} — present the right card");
        }

        var (read, _) = CardMaintenance.ReadConcession(card);
        if (read == ConcessionRead.Absent && concession.ValidUntil is not null)
        {
            return new TapResult(TapOutcome.Refused, $"Card {info.Asn} has no concession file (EF 0019, issued before annual verification was kept on the card): replace the card to carry the concession");
        }

        var damk = keySet.DeriveCardKeys(info.City, info.Asn).Maintenance;
        if (cardType is { } type && type != info.CardType)
        {
            var written = CardMaintenance.UpdateBinary(card, damk, Cards.Application.CityCardApplication.PublicInfoSfi, 28, [(byte)type]);
            if (written != Cards.Apdu.StatusWords.Success)
            {
                return Unwritten(written);
            }
        }

        if (read != ConcessionRead.Absent)
        {
            var written = CardMaintenance.UpdateBinary(card, damk, Cards.Application.CityCardApplication.ConcessionSfi, 0, concession.ToBytes());
            if (written != Cards.Apdu.StatusWords.Success)
            {
                return Unwritten(written);
            }
        }

        var what = concession.ValidUntil is { } until ? $"concession valid until {until:yyyy-MM-dd}" : "no concession date";
        return new TapResult(TapOutcome.Completed, $"Card {info.Asn} written: {CardNames.Of(cardType ?? info.CardType)}, {what}");

        static TapResult Unwritten(ushort status) => status == 0
            ? new TapResult(TapOutcome.PresentAgain, "Card moved away during the write — present it again and repeat the operation")
            : new TapResult(TapOutcome.Refused, $"The card refused the write (status {status:X4})");
    }

    /// <summary>Sells a new card: personalises it and takes the deposit in cash. Returns the card to hand over.</summary>
    public SoftCard SellCard(CardIssuer issuer, CardIssueRequest request, long depositFen)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(depositFen);
        var card = issuer.Issue(request);
        var purse = card.Purse;
        Registrar?.Register(new SoldCard(card.Asn, card.PublicInfo.City, (byte)card.PublicInfo.CardType, depositFen, purse.Balance, purse.OfflineCounter, purse.OnlineCounter, Core.Config.OperatorId));
        Core.AppendCash(new CashMovement("deposit", depositFen, request.Asn.ToString(), Core.Clock.GetUtcNow()));
        return card;
    }

    /// <summary>
    /// Journals cash the counter took (positive) or paid out (negative) for an operation the centre recorded: the deposit
    /// of a card it sold, a product change's deposit difference, a replacement fee, a refund. Once per request id: a
    /// repeated request (to retry the card write) takes no cash again.
    /// </summary>
    public void RecordCash(string reason, long amountFen, Security.Ep.Asn asn, string requestId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        var reference = $"{asn} request {requestId}";
        if (amountFen != 0 && !Core.Cash.Any(c => string.Equals(c.Reference, reference, StringComparison.Ordinal) && string.Equals(c.Reason, reason, StringComparison.Ordinal)))
        {
            Core.AppendCash(new CashMovement(reason, amountFen, reference, Core.Clock.GetUtcNow()));
        }
    }

    /// <summary>The shift report: loads and cash by reason since the journal began.</summary>
    public ShiftReport Report()
    {
        var loads = Core.AllRecords.Where(r => r.Kind == RecordKind.Load).ToList();
        var byReason = Core.Cash.GroupBy(c => c.Reason, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(c => c.AmountFen), StringComparer.Ordinal);
        return new ShiftReport(loads.Count, loads.Sum(r => r.AmountFen), Core.Cash.Sum(c => c.AmountFen), byReason, Core.Pending.Count(p => p.Kind == "load"));
    }

    /// <summary>Builds the batch record of a completed load (the TTSN field is 0 for loads).</summary>
    public static TransactionRecord ToRecord(LoadRecord load, RecordContext context, RecordMarks marks)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(context);
        var r = load.Request;
        return new TransactionRecord
        {
            Kind = RecordKind.Load,
            Marks = marks,
            CityCode = r.City,
            Asn = r.Asn,
            CardType = (byte)r.CardType,
            Counter = r.OnlineCounter,
            BalanceBeforeFen = r.BalanceBefore,
            AmountFen = r.Amount,
            Terminal = r.Terminal,
            DateTime = load.HostDateTime,
            KeyVersion = r.KeyVersion,
            Algorithm = r.Algorithm,
            Tac = load.Tac,
            FullFareFen = context.FullFareFen,
            MerchantId = context.MerchantId,
        };
    }

    // A claim writes value the centre already holds: no cash changes hands at the counter.
    private void TakeCash(RecordContext context, TransactionRecord record)
    {
        if (context.Extra1 != ClaimMarker)
        {
            Core.AppendCash(new CashMovement("load", record.AmountFen, record.Asn.ToString(), Core.Clock.GetUtcNow()));
        }
    }

    private TapResult? Recover(IApduChannel card, PendingTransaction pending)
    {
        var result = exchange.Recover(card, pending.ToLoadRequest(), pending.ToAuthorization());
        if (result.Record is { } proven)
        {
            var record = Core.AppendResolving(ToRecord(proven, pending.Context, RecordMarks.RecoveredByProve), pending.Sequence);
            TakeCash(pending.Context, record);
            return new TapResult(TapOutcome.Recovered, $"The earlier load of {PurchaseTerminal.Yuan(record.AmountFen)} completed — balance {PurchaseTerminal.Yuan(record.BalanceAfterFen)}", record, record.BalanceAfterFen);
        }

        if (result.Outcome == LoadOutcome.NotCredited)
        {
            Core.ResolvePending(pending.Sequence);
            return null;
        }

        // Unknown whether the card was credited: never load it again while that is unknown.
        return new TapResult(TapOutcome.PresentAgain, "Card not read — present the same card again");
    }
}
