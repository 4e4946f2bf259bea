using System.Buffers.Binary;
using CityCard.Cards.Apdu;
using CityCard.Security.Ep;

namespace CityCard.Cards.Transactions;

/// <summary>
/// The terminal side of an online load (圈存, STANDARDS.md §2.7), talking to the card only through APDUs:
/// SELECT → READ BINARY EF 0015 → INITIALIZE FOR LOAD → <see cref="ILoadAuthority.Authorize"/> (MAC1 in, host time and
/// MAC2 out) → CREDIT FOR LOAD → <see cref="ILoadAuthority.VerifyTac"/>. Refusals are outcomes
/// (<see cref="LoadOutcome"/>), not exceptions.
/// </summary>
public sealed class LoadExchange
{
    private readonly ILoadAuthority authority;

    /// <summary>Creates the exchange for a loading terminal.</summary>
    public LoadExchange(ILoadAuthority authority, TerminalId terminal)
    {
        ArgumentNullException.ThrowIfNull(authority);
        this.authority = authority;
        Terminal = terminal;
    }

    /// <summary>The loading terminal's number.</summary>
    public TerminalId Terminal { get; }

    /// <summary>Loads <paramref name="amount"/> fen onto the card.</summary>
    public LoadResult Load(IApduChannel card, uint amount) => Load(card, amount, null);

    /// <summary>
    /// A load whose <paramref name="beforeCredit"/> runs after the authority approved it and before CREDIT FOR LOAD is
    /// sent: an outlet journals its intent there, so a crash between the card's credit and the outlet's record can be
    /// recovered with GET TRANSACTION PROVE.
    /// </summary>
    public LoadResult Load(IApduChannel card, uint amount, Action<LoadRequest, LoadAuthorization>? beforeCredit)
    {
        ArgumentNullException.ThrowIfNull(card);
        switch (CardSession.Identify(card, out var info, out var identifyStatus))
        {
            case IdentifyStatus.Lost:
                return new(LoadOutcome.CardRemoved, 0, null, null, null);
            case IdentifyStatus.NotCityCard:
                return new(LoadOutcome.NotCityCard, identifyStatus, null, null, null);
        }

        if (!CardSession.TrySend(card, CardCommands.InitializeForLoad(amount, Terminal), out var init))
        {
            return new(LoadOutcome.CardRemoved, 0, null, null, null);
        }

        if (!init.IsSuccess || !LoadInitResponse.TryParse(init.Data, out var initData))
        {
            return new(InitRefusal(init.StatusWord), init.StatusWord, null, null, null);
        }

        if (!EpAlgorithms.TryFromId(initData.AlgorithmId, out var algorithm))
        {
            return new(LoadOutcome.KeyNotSupported, init.StatusWord, null, null, null);
        }

        var request = new LoadRequest
        {
            Asn = info!.Asn,
            City = info.City,
            IssuerCode = info.IssuerCode,
            CardType = info.CardType,
            BalanceBefore = initData.Balance,
            OnlineCounter = initData.OnlineCounter,
            KeyVersion = initData.KeyVersion,
            Algorithm = algorithm.Value,
            CardRandom = initData.Random,
            Mac1 = initData.Mac1,
            Amount = amount,
            Terminal = Terminal,
        };
        var authorization = authority.Authorize(request);
        var refusal = authorization.Decision switch
        {
            LoadDecision.Approved => (LoadOutcome?)null,
            LoadDecision.Mac1Invalid => LoadOutcome.Mac1Invalid,
            LoadDecision.UnknownKey => LoadOutcome.UnknownKey,
            LoadDecision.Declined => LoadOutcome.Declined,
            _ => throw new InvalidOperationException($"unknown load decision {authorization.Decision}"),
        };
        if (refusal is { } refused)
        {
            return new(refused, init.StatusWord, request, authorization, null);
        }

        beforeCredit?.Invoke(request, authorization);
        if (!CardSession.TrySend(card, CardCommands.CreditForLoad(authorization.HostDateTime, authorization.Mac2), out var credit))
        {
            return new(LoadOutcome.Interrupted, 0, request, authorization, null);
        }

        if (!credit.IsSuccess || credit.Data.Length != 4)
        {
            var outcome = credit.StatusWord == StatusWords.MacInvalid ? LoadOutcome.Mac2Rejected : LoadOutcome.CardRefused;
            return new(outcome, credit.StatusWord, request, authorization, null);
        }

        return Finish(new LoadRecord(request, authorization.HostDateTime, authorization.Mac2, BinaryPrimitives.ReadUInt32BigEndian(credit.Data)), credit.StatusWord);
    }

    /// <summary>
    /// Completes an <see cref="LoadOutcome.Interrupted"/> load with GET TRANSACTION PROVE (type 02, the online counter
    /// after the load); <see cref="LoadOutcome.NotCredited"/> when the card holds no proof.
    /// </summary>
    public LoadResult Recover(IApduChannel card, LoadRequest request, LoadAuthorization authorization)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(authorization);
        switch (CardSession.Identify(card, out var info, out var identifyStatus))
        {
            case IdentifyStatus.Lost:
                return new(LoadOutcome.Interrupted, 0, request, authorization, null);
            case IdentifyStatus.NotCityCard:
                return new(LoadOutcome.NotCityCard, identifyStatus, request, authorization, null);
        }

        if (info!.Asn != request.Asn)
        {
            return new(LoadOutcome.DifferentCard, StatusWords.Success, request, authorization, null);
        }

        if (!CardSession.TrySend(card, CardCommands.GetTransactionProve(TransactionType.Load, (ushort)request.CounterAfter), out var prove))
        {
            return new(LoadOutcome.Interrupted, 0, request, authorization, null);
        }

        if (prove.StatusWord == StatusWords.ConditionsNotSatisfied)
        {
            return new(LoadOutcome.NotCredited, prove.StatusWord, request, authorization, null);
        }

        if (!prove.IsSuccess || prove.Data.Length != 8)
        {
            return new(LoadOutcome.CardRefused, prove.StatusWord, request, authorization, null);
        }

        var mac2 = BinaryPrimitives.ReadUInt32BigEndian(prove.Data);
        var tac = BinaryPrimitives.ReadUInt32BigEndian(prove.Data[4..]);
        return Finish(new LoadRecord(request, authorization.HostDateTime, mac2, tac), prove.StatusWord);
    }

    private static LoadOutcome InitRefusal(ushort statusWord) => statusWord switch
    {
        StatusWords.ApplicationBlocked => LoadOutcome.Blocked,
        StatusWords.CounterAtMaximum => LoadOutcome.CounterExhausted,
        StatusWords.KeyNotSupported => LoadOutcome.KeyNotSupported,
        StatusWords.ConditionsNotSatisfied => LoadOutcome.BalanceLimit,
        _ => LoadOutcome.CardRefused,
    };

    private LoadResult Finish(LoadRecord record, ushort statusWord)
    {
        var outcome = authority.VerifyTac(record) ? LoadOutcome.Completed : LoadOutcome.TacInvalid;
        return new(outcome, statusWord, record.Request, Authorization: LoadAuthorization.Approve(record.HostDateTime, record.Mac2), record);
    }
}
