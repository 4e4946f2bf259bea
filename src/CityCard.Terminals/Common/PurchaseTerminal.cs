using CityCard.Cards.Apdu;
using CityCard.Cards.Application;
using CityCard.Cards.Transactions;
using CityCard.Records;
using CityCard.Security.Ep;
using CityCard.Terminals.Core;
using TransactionRecord = CityCard.Records.TransactionRecord;

namespace CityCard.Terminals.Common;

/// <summary>
/// The steps every paying terminal shares: identify the card, finish a torn transaction of the same card with GET
/// TRANSACTION PROVE (never charging twice), refuse expired and blacklisted cards (blocking the latter), run the purchase
/// over card and PSAM APDUs, and journal the record before the passenger is told "OK".
/// </summary>
public sealed class PurchaseTerminal
{
    private readonly ICardBlocker? blocker;

    /// <summary>Creates the shared purchase logic over a terminal core and its PSAM.</summary>
    public PurchaseTerminal(TerminalCore core, IApduChannel psam, ICardBlocker? blocker)
    {
        ArgumentNullException.ThrowIfNull(core);
        Core = core;
        Exchange = new PurchaseExchange(psam);
        this.blocker = blocker;
    }

    /// <summary>The terminal core.</summary>
    public TerminalCore Core { get; }

    /// <summary>The card/PSAM exchange.</summary>
    public PurchaseExchange Exchange { get; }

    /// <summary>
    /// Identifies the card and settles any torn transaction of it. Returns the card's public data to go on with, or a
    /// final result (refusal, recovery) in <paramref name="final"/>.
    /// </summary>
    public CardPublicInfo? Admit(IApduChannel card, out TapResult? final)
    {
        final = null;
        switch (CardSession.Identify(card, out var info, out _))
        {
            case IdentifyStatus.Lost:
                final = new TapResult(TapOutcome.PresentAgain, "Card not read — present it again");
                return null;
            case IdentifyStatus.NotCityCard:
                final = new TapResult(TapOutcome.Refused, "Not a city card");
                return null;
        }

        var pending = Core.Pending.FirstOrDefault(p => p.Asn == info!.Asn.ToString());
        if (pending is not null && TryRecover(card, pending, out final))
        {
            return null;
        }

        if (!info!.IsValidOn(DateOnly.FromDateTime(Core.LocalNow)))
        {
            final = new TapResult(TapOutcome.Refused, $"Card not valid today (valid {info.ValidFrom:yyyy-MM-dd} to {info.ValidUntil:yyyy-MM-dd}) — visit a service outlet");
            return null;
        }

        if (Core.IsBlacklisted(info.Asn))
        {
            var blocked = blocker?.Block(card) == true;
            final = new TapResult(TapOutcome.Refused, blocked
                ? "Card blocked (reported lost or stopped) — contact a service outlet"
                : "Card refused (reported lost or stopped) — contact a service outlet");
            return null;
        }

        return info;
    }

    /// <summary>
    /// Whether the card type's concession applies today by the card's annual verification date (EF 0019): true when the
    /// date is not past or the card has none, false when it is past (or the file does not decode) — an expired concession
    /// is charged as ordinary until renewed at an outlet; null when the card left the field.
    /// </summary>
    public bool? ConcessionValid(IApduChannel card) => CardMaintenance.ReadConcession(card) switch
    {
        (ConcessionRead.Read, { } data) => data.AppliesOn(DateOnly.FromDateTime(Core.LocalNow)),
        (ConcessionRead.Absent, _) => true,
        (ConcessionRead.Lost, _) => null,
        _ => false,
    };

    /// <summary>Runs the purchase and journals its record; maps every refusal to a clear message.</summary>
    public TapResult Charge(IApduChannel card, CardPublicInfo info, long amountFen, RecordContext context, CappRecordUpdate? capp, BcdDateTime when)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(context);
        var amount = checked((uint)amountFen);

        // The intent is journalled (and flushed) before DEBIT, so a terminal that dies between the card's debit and its
        // record still knows to ask the card for GET TRANSACTION PROVE when the passenger presents it again.
        PendingTransaction? intent = null;
        void Intend(PurchaseTransaction transaction) => intent = Core.AddPending(PendingTransaction.From(transaction, context));
        var result = capp is null ? Exchange.Purchase(card, amount, when, Intend) : Exchange.CappPurchase(card, amount, when, capp, Intend);
        if (intent is not null && result.Outcome is not (PurchaseOutcome.Completed or PurchaseOutcome.Mac2Invalid or PurchaseOutcome.Interrupted))
        {
            // The card refused the debit (or left before it): nothing was charged, the intent is void.
            Core.ResolvePending(intent.Sequence);
        }

        switch (result.Outcome)
        {
            case PurchaseOutcome.Completed:
            {
                var record = Journal(result.Record!, context, intent);
                return new TapResult(TapOutcome.Completed, $"Paid {Yuan(amountFen)} — balance {Yuan(record.BalanceAfterFen)}", record, record.BalanceAfterFen);
            }

            case PurchaseOutcome.Mac2Invalid:
            {
                // The card debited itself and signed the record with its TAC; the centre judges the TAC. Keep the record.
                var record = Journal(result.Record!, context, intent);
                return new TapResult(TapOutcome.Refused, "Card error (MAC2 did not verify) — transaction reported to the centre", record, record.BalanceAfterFen);
            }

            case PurchaseOutcome.Interrupted:
                if (intent is null)
                {
                    Core.AddPending(PendingTransaction.From(result.Transaction!, context));
                }

                return new TapResult(TapOutcome.PresentAgain, "Card moved away — present the same card again (you will not be charged twice)");
            case PurchaseOutcome.InsufficientBalance:
                return new TapResult(TapOutcome.Refused, $"Insufficient balance for {Yuan(amountFen)} — please top up");
            case PurchaseOutcome.Blocked:
                return new TapResult(TapOutcome.Refused, "Card blocked — contact a service outlet");
            case PurchaseOutcome.CounterExhausted:
                return new TapResult(TapOutcome.Refused, "Card worn out (transaction counter full) — exchange it at a service outlet");
            case PurchaseOutcome.KeyNotSupported:
            case PurchaseOutcome.PsamKeyMissing:
                return new TapResult(TapOutcome.Refused, "Card not accepted on this terminal (key version)");
            case PurchaseOutcome.CardRemoved:
                return new TapResult(TapOutcome.PresentAgain, "Card not read — present it again (nothing charged)");
            case PurchaseOutcome.NotCityCard:
                return new TapResult(TapOutcome.Refused, "Not a city card");
            case PurchaseOutcome.Mac1Rejected:
            case PurchaseOutcome.CardRefused:
            case PurchaseOutcome.PsamRefused:
            case PurchaseOutcome.NotDebited:
            case PurchaseOutcome.DifferentCard:
            default:
                return new TapResult(TapOutcome.Refused, $"Card error ({result}) — nothing charged");
        }
    }

    private TransactionRecord Journal(PurchaseRecord purchase, RecordContext context, PendingTransaction? intent) =>
        intent is null
            ? Core.Append(ToRecord(purchase, context, RecordMarks.None))
            : Core.AppendResolving(ToRecord(purchase, context, RecordMarks.None), intent.Sequence);

    /// <summary>The latest record of a card on this terminal, if any.</summary>
    public TransactionRecord? LastRecordOf(Asn asn) => Core.LastRecordOf(asn);

    /// <summary>Formats fen as yuan for messages: 1234 → "¥12.34".</summary>
    public static string Yuan(long fen) => fen < 0
        ? $"-¥{-fen / 100}.{-fen % 100:D2}"
        : $"¥{fen / 100}.{fen % 100:D2}";

    /// <summary>Builds a batch record from a completed exchange and the terminal's context.</summary>
    public static TransactionRecord ToRecord(PurchaseRecord purchase, RecordContext context, RecordMarks marks)
    {
        ArgumentNullException.ThrowIfNull(purchase);
        ArgumentNullException.ThrowIfNull(context);
        var t = purchase.Transaction;
        return new TransactionRecord
        {
            Kind = t.TransactionType == TransactionType.CappPurchase ? RecordKind.CappPurchase : RecordKind.Purchase,
            Marks = marks,
            CityCode = t.City,
            Asn = t.Asn,
            CardType = (byte)t.CardType,
            Counter = t.OfflineCounter,
            BalanceBeforeFen = t.BalanceBefore,
            AmountFen = t.Amount,
            Terminal = t.Terminal,
            Ttsn = t.Ttsn,
            DateTime = t.DateTime,
            KeyVersion = t.KeyVersion,
            Algorithm = t.Algorithm,
            Tac = purchase.Tac,
            Discount = context.Discount,
            FullFareFen = context.FullFareFen,
            MerchantId = context.MerchantId,
            Line = context.Line,
            Stop = context.Stop,
            ExitStop = context.ExitStop,
            Extra1 = context.Extra1,
            Extra2 = context.Extra2,
        };
    }

    private bool TryRecover(IApduChannel card, PendingTransaction pending, out TapResult? final)
    {
        var result = Exchange.Recover(card, pending.ToTransaction());
        if (result.Record is { } proven)
        {
            // The card gave MAC2 ‖ TAC for the transaction: it was debited. Whether the PSAM can still check that MAC2
            // (it cannot after a restart or a later session) does not matter to the centre, which verifies the TAC.
            var record = Core.AppendResolving(ToRecord(proven, pending.Context, RecordMarks.RecoveredByProve), pending.Sequence);
            final = new TapResult(TapOutcome.Recovered, $"Previous payment of {Yuan(record.AmountFen)} completed — not charged again; balance {Yuan(record.BalanceAfterFen)}", record, record.BalanceAfterFen);
            return true;
        }

        switch (result.Outcome)
        {
            case PurchaseOutcome.NotDebited:
                Core.ResolvePending(pending.Sequence);
                final = null;
                return false;
            default:
                // The card could not say (it left again, or answered oddly): never charge it while that is unknown.
                final = new TapResult(TapOutcome.PresentAgain, "Card not read — present the same card again");
                return true;
        }
    }
}
