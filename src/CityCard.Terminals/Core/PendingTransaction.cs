using CityCard.Cards.Application;
using CityCard.Cards.Transactions;
using CityCard.Records;
using CityCard.Security.Ep;

namespace CityCard.Terminals.Core;

/// <summary>
/// A torn purchase kept in the journal (JSON payload) until the same card is presented again, with the business context
/// the final record needs.
/// </summary>
public sealed record PendingTransaction
{
    /// <summary>Journal sequence of the pending entry (its identity).</summary>
    public ulong Sequence { get; init; }

    /// <summary>Card number.</summary>
    public required string Asn { get; init; }

    /// <summary>City code, 4 hex digits.</summary>
    public required string City { get; init; }

    /// <summary>Issuer code.</summary>
    public ushort IssuerCode { get; init; }

    /// <summary>Card type byte.</summary>
    public byte CardType { get; init; }

    /// <summary>Offline counter returned by INIT.</summary>
    public ushort OfflineCounter { get; init; }

    /// <summary>Balance before, fen.</summary>
    public int BalanceBefore { get; init; }

    /// <summary>Amount, fen.</summary>
    public uint Amount { get; init; }

    /// <summary>Transaction type byte.</summary>
    public byte TransactionType { get; init; }

    /// <summary>PSAM terminal number, 12 hex digits.</summary>
    public required string Terminal { get; init; }

    /// <summary>TTSN.</summary>
    public uint Ttsn { get; init; }

    /// <summary>Date-time YYYYMMDDhhmmss.</summary>
    public required string DateTime { get; init; }

    /// <summary>Key version.</summary>
    public byte KeyVersion { get; init; }

    /// <summary>Algorithm id byte.</summary>
    public byte AlgorithmId { get; init; }

    /// <summary>Card random.</summary>
    public uint CardRandom { get; init; }

    /// <summary>CAPP record number, 0 when none.</summary>
    public byte CappRecordNumber { get; init; }

    /// <summary>CAPP record data, hex.</summary>
    public string? CappData { get; init; }

    /// <summary>The record the terminal would have written (context fields: merchant, line, fare, discount).</summary>
    public required RecordContext Context { get; init; }

    /// <summary>"purchase" or "load".</summary>
    public string Kind { get; init; } = "purchase";

    /// <summary>Load only: the card's MAC1.</summary>
    public uint Mac1 { get; init; }

    /// <summary>Load only: the host date-time of the authorisation, YYYYMMDDhhmmss.</summary>
    public string? HostDateTime { get; init; }

    /// <summary>Load only: the host's MAC2.</summary>
    public uint Mac2 { get; init; }

    /// <summary>From an interrupted load: the request and the centre's authorisation (counter = online counter).</summary>
    public static PendingTransaction FromLoad(LoadRequest request, LoadAuthorization authorization, RecordContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(authorization);
        return new()
        {
            Kind = "load",
            Asn = request.Asn.ToString(),
            City = request.City.ToString(),
            IssuerCode = request.IssuerCode,
            CardType = (byte)request.CardType,
            OfflineCounter = request.OnlineCounter,
            BalanceBefore = request.BalanceBefore,
            Amount = request.Amount,
            TransactionType = Security.Ep.TransactionType.Load,
            Terminal = request.Terminal.ToString(),
            DateTime = authorization.HostDateTime.ToString(),
            KeyVersion = request.KeyVersion,
            AlgorithmId = (byte)request.Algorithm,
            CardRandom = request.CardRandom,
            Mac1 = request.Mac1,
            HostDateTime = authorization.HostDateTime.ToString(),
            Mac2 = authorization.Mac2,
            Context = context,
        };
    }

    /// <summary>Back to the load request, for GET TRANSACTION PROVE.</summary>
    public LoadRequest ToLoadRequest() => new()
    {
        Asn = Security.Ep.Asn.Parse(Asn, "asn"),
        City = CityCode.Parse(City, "city"),
        IssuerCode = IssuerCode,
        CardType = (CardType)CardType,
        BalanceBefore = BalanceBefore,
        OnlineCounter = OfflineCounter,
        KeyVersion = KeyVersion,
        Algorithm = (EpAlgorithm)AlgorithmId,
        CardRandom = CardRandom,
        Mac1 = Mac1,
        Amount = Amount,
        Terminal = TerminalId.Parse(Terminal, "terminal"),
    };

    /// <summary>The centre's authorisation of a pending load.</summary>
    public LoadAuthorization ToAuthorization() => LoadAuthorization.Approve(BcdDateTime.Parse(HostDateTime, "hostDateTime"), Mac2);

    /// <summary>From an interrupted exchange.</summary>
    public static PendingTransaction From(PurchaseTransaction transaction, RecordContext context) => new()
    {
        Asn = transaction.Asn.ToString(),
        City = transaction.City.ToString(),
        IssuerCode = transaction.IssuerCode,
        CardType = (byte)transaction.CardType,
        OfflineCounter = transaction.OfflineCounter,
        BalanceBefore = transaction.BalanceBefore,
        Amount = transaction.Amount,
        TransactionType = transaction.TransactionType,
        Terminal = transaction.Terminal.ToString(),
        Ttsn = transaction.Ttsn,
        DateTime = transaction.DateTime.ToString(),
        KeyVersion = transaction.KeyVersion,
        AlgorithmId = (byte)transaction.Algorithm,
        CardRandom = transaction.CardRandom,
        CappRecordNumber = transaction.Capp?.RecordNumber ?? 0,
        CappData = transaction.Capp is null ? null : Convert.ToHexString(transaction.Capp.Data.Span),
        Context = context,
    };

    /// <summary>Back to the exchange's form, for GET TRANSACTION PROVE.</summary>
    public PurchaseTransaction ToTransaction() => new()
    {
        Asn = Security.Ep.Asn.Parse(Asn, "asn"),
        City = CityCode.Parse(City, "city"),
        IssuerCode = IssuerCode,
        CardType = (CardType)CardType,
        OfflineCounter = OfflineCounter,
        BalanceBefore = BalanceBefore,
        Amount = Amount,
        TransactionType = TransactionType,
        Terminal = TerminalId.Parse(Terminal, "terminal"),
        Ttsn = Ttsn,
        DateTime = BcdDateTime.Parse(DateTime, "datetime"),
        KeyVersion = KeyVersion,
        Algorithm = (EpAlgorithm)AlgorithmId,
        CardRandom = CardRandom,
        Capp = CappData is null ? null : new CappRecordUpdate(CappRecordNumber, Convert.FromHexString(CappData)),
    };
}
