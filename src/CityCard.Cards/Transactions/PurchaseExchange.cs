using System.Buffers.Binary;
using CityCard.Cards.Apdu;
using CityCard.Cards.Application;
using CityCard.Security.Ep;

namespace CityCard.Cards.Transactions;

/// <summary>
/// The terminal side of an offline purchase (STANDARDS.md §1.3, §1.4, §2.6), talking to card and PSAM only through APDUs:
/// card SELECT → READ BINARY EF 0015 → INIT FOR (CAPP) PURCHASE → PSAM <c>80 70</c> (two-level key: city, then ASN) →
/// [UPDATE CAPP DATA CACHE] → DEBIT → PSAM <c>80 72</c>. Refusals are outcomes (<see cref="PurchaseOutcome"/>), not
/// exceptions. Used by terminals, the command line, the benchmark and the tests.
/// </summary>
/// <remarks>
/// If the card is lost during DEBIT the result is <see cref="PurchaseOutcome.Interrupted"/> with its
/// <see cref="PurchaseTransaction"/>; call <see cref="Recover"/> when the card is presented again, before this PSAM's next
/// purchase (the PSAM verifies MAC2 against its latest <c>80 70</c>). Not thread-safe: one exchange per terminal at a time.
/// </remarks>
public sealed class PurchaseExchange
{
    private readonly IApduChannel psam;
    private TerminalId? terminal;

    /// <summary>Creates the exchange over a PSAM.</summary>
    public PurchaseExchange(IApduChannel psam)
    {
        ArgumentNullException.ThrowIfNull(psam);
        this.psam = psam;
    }

    /// <summary>The PSAM's terminal number, once <see cref="Prepare"/> (or the first exchange) has read it.</summary>
    public TerminalId? Terminal => terminal;

    /// <summary>Selects the PSAM's purchase ADF and reads its terminal number; returns the failing status word, or <c>9000</c>.</summary>
    public ushort Prepare()
    {
        var selected = ResponseApdu.Exchange(psam, PsamCommands.SelectPurchaseApplication());
        if (!selected.IsSuccess)
        {
            return selected.StatusWord;
        }

        var read = ResponseApdu.Exchange(psam, PsamCommands.ReadTerminalNumber());
        if (!read.IsSuccess || read.Data.Length != TerminalId.Length)
        {
            return read.IsSuccess ? StatusWords.WrongLength : read.StatusWord;
        }

        terminal = TerminalId.Read(read.Data);
        return StatusWords.Success;
    }

    /// <summary>A simple purchase (type 06) of <paramref name="amount"/> fen at terminal time <paramref name="when"/>.</summary>
    public PurchaseResult Purchase(IApduChannel card, uint amount, BcdDateTime when) => Run(card, amount, when, null, null);

    /// <summary>
    /// A simple purchase whose <paramref name="beforeDebit"/> runs once MAC1 is known and before DEBIT is sent: a terminal
    /// journals its intent there, so a crash between the card's debit and the terminal's record can be recovered with
    /// GET TRANSACTION PROVE.
    /// </summary>
    public PurchaseResult Purchase(IApduChannel card, uint amount, BcdDateTime when, Action<PurchaseTransaction> beforeDebit) =>
        Run(card, amount, when, null, beforeDebit ?? throw new ArgumentNullException(nameof(beforeDebit)));

    /// <summary>A composite purchase (type 09) that writes <paramref name="capp"/> into EF 0017 atomically with the debit.</summary>
    public PurchaseResult CappPurchase(IApduChannel card, uint amount, BcdDateTime when, CappRecordUpdate capp)
    {
        ArgumentNullException.ThrowIfNull(capp);
        return Run(card, amount, when, capp, null);
    }

    /// <summary>A composite purchase with a hook that runs before DEBIT (see the simple purchase overload).</summary>
    public PurchaseResult CappPurchase(IApduChannel card, uint amount, BcdDateTime when, CappRecordUpdate capp, Action<PurchaseTransaction> beforeDebit)
    {
        ArgumentNullException.ThrowIfNull(capp);
        return Run(card, amount, when, capp, beforeDebit ?? throw new ArgumentNullException(nameof(beforeDebit)));
    }

    /// <summary>
    /// Completes an <see cref="PurchaseOutcome.Interrupted"/> purchase: checks it is the same card, asks it for
    /// GET TRANSACTION PROVE with the counter after the transaction, and verifies the MAC2 with the PSAM.
    /// <see cref="PurchaseOutcome.NotDebited"/> when the card holds no proof (the debit never happened).
    /// </summary>
    public PurchaseResult Recover(IApduChannel card, PurchaseTransaction pending)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(pending);
        switch (CardSession.Identify(card, out var info, out var identifyStatus))
        {
            case IdentifyStatus.Lost:
                return new(PurchaseOutcome.Interrupted, 0, pending, null);
            case IdentifyStatus.NotCityCard:
                return new(PurchaseOutcome.NotCityCard, identifyStatus, pending, null);
        }

        if (info!.Asn != pending.Asn)
        {
            return new(PurchaseOutcome.DifferentCard, StatusWords.Success, pending, null);
        }

        if (!CardSession.TrySend(card, CardCommands.GetTransactionProve(pending.TransactionType, (ushort)pending.CounterAfter), out var prove))
        {
            return new(PurchaseOutcome.Interrupted, 0, pending, null);
        }

        if (prove.StatusWord == StatusWords.ConditionsNotSatisfied)
        {
            return new(PurchaseOutcome.NotDebited, prove.StatusWord, pending, null);
        }

        if (!prove.IsSuccess || prove.Data.Length != 8)
        {
            return new(PurchaseOutcome.CardRefused, prove.StatusWord, pending, null);
        }

        var mac2 = BinaryPrimitives.ReadUInt32BigEndian(prove.Data);
        var tac = BinaryPrimitives.ReadUInt32BigEndian(prove.Data[4..]);
        return Finish(new PurchaseRecord(pending, tac, mac2));
    }

    private static PurchaseOutcome InitRefusal(ushort statusWord) => statusWord switch
    {
        StatusWords.ApplicationBlocked => PurchaseOutcome.Blocked,
        StatusWords.InsufficientBalance => PurchaseOutcome.InsufficientBalance,
        StatusWords.CounterAtMaximum => PurchaseOutcome.CounterExhausted,
        StatusWords.KeyNotSupported => PurchaseOutcome.KeyNotSupported,
        _ => PurchaseOutcome.CardRefused,
    };

    private PurchaseResult Run(IApduChannel card, uint amount, BcdDateTime when, CappRecordUpdate? capp, Action<PurchaseTransaction>? beforeDebit)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (terminal is null && Prepare() is var prepared && prepared != StatusWords.Success)
        {
            return new(PurchaseOutcome.PsamRefused, prepared, null, null);
        }

        switch (CardSession.Identify(card, out var info, out var identifyStatus))
        {
            case IdentifyStatus.Lost:
                return new(PurchaseOutcome.CardRemoved, 0, null, null);
            case IdentifyStatus.NotCityCard:
                return new(PurchaseOutcome.NotCityCard, identifyStatus, null, null);
        }

        var terminalId = terminal!.Value;
        var type = capp is null ? TransactionType.Purchase : TransactionType.CappPurchase;
        var initCommand = capp is null
            ? CardCommands.InitializeForPurchase(amount, terminalId)
            : CardCommands.InitializeForCappPurchase(amount, terminalId);
        if (!CardSession.TrySend(card, initCommand, out var init))
        {
            return new(PurchaseOutcome.CardRemoved, 0, null, null);
        }

        if (!init.IsSuccess)
        {
            return new(InitRefusal(init.StatusWord), init.StatusWord, null, null);
        }

        if (!PurchaseInitResponse.TryParse(init.Data, out var initData))
        {
            return new(PurchaseOutcome.CardRefused, init.StatusWord, null, null);
        }

        if (!EpAlgorithms.TryFromId(initData.AlgorithmId, out var algorithm))
        {
            return new(PurchaseOutcome.KeyNotSupported, init.StatusWord, null, null);
        }

        var samInit = ResponseApdu.Exchange(psam, PsamCommands.InitializeForPurchase(
            initData.Random, initData.OfflineCounter, amount, type, when, initData.KeyVersion, initData.AlgorithmId, info!.Asn, info.City.DiversificationFactor()));
        if (!samInit.IsSuccess || samInit.Data.Length != 8)
        {
            var outcome = samInit.StatusWord == StatusWords.KeyNotSupported ? PurchaseOutcome.PsamKeyMissing : PurchaseOutcome.PsamRefused;
            return new(outcome, samInit.StatusWord, null, null);
        }

        var transaction = new PurchaseTransaction
        {
            Asn = info.Asn,
            City = info.City,
            IssuerCode = info.IssuerCode,
            CardType = info.CardType,
            OfflineCounter = initData.OfflineCounter,
            BalanceBefore = initData.Balance,
            Amount = amount,
            TransactionType = type,
            Terminal = terminalId,
            Ttsn = BinaryPrimitives.ReadUInt32BigEndian(samInit.Data),
            DateTime = when,
            KeyVersion = initData.KeyVersion,
            Algorithm = algorithm.Value,
            CardRandom = initData.Random,
            Capp = capp,
        };
        beforeDebit?.Invoke(transaction);
        return Debit(card, transaction, BinaryPrimitives.ReadUInt32BigEndian(samInit.Data[4..]));
    }

    private PurchaseResult Debit(IApduChannel card, PurchaseTransaction transaction, uint mac1)
    {
        if (transaction.Capp is { } capp)
        {
            if (!CardSession.TrySend(card, CardCommands.UpdateCappDataCache(capp.RecordNumber, capp.Data.Span), out var cached))
            {
                return new(PurchaseOutcome.CardRemoved, 0, transaction, null);
            }

            if (!cached.IsSuccess)
            {
                return new(PurchaseOutcome.CardRefused, cached.StatusWord, transaction, null);
            }
        }

        if (!CardSession.TrySend(card, CardCommands.DebitForPurchase(transaction.Ttsn, transaction.DateTime, mac1), out var debit))
        {
            return new(PurchaseOutcome.Interrupted, 0, transaction, null);
        }

        if (!debit.IsSuccess || debit.Data.Length != 8)
        {
            var outcome = debit.StatusWord == StatusWords.MacInvalid ? PurchaseOutcome.Mac1Rejected : PurchaseOutcome.CardRefused;
            return new(outcome, debit.StatusWord, transaction, null);
        }

        var tac = BinaryPrimitives.ReadUInt32BigEndian(debit.Data);
        var mac2 = BinaryPrimitives.ReadUInt32BigEndian(debit.Data[4..]);
        return Finish(new PurchaseRecord(transaction, tac, mac2));
    }

    private PurchaseResult Finish(PurchaseRecord record)
    {
        var verified = ResponseApdu.Exchange(psam, PsamCommands.VerifyMac2(record.Mac2));
        var outcome = verified.StatusWord switch
        {
            StatusWords.Success => PurchaseOutcome.Completed,
            StatusWords.MacInvalid => PurchaseOutcome.Mac2Invalid,
            _ => PurchaseOutcome.PsamRefused,
        };
        return new(outcome, verified.StatusWord, record.Transaction, record);
    }
}
