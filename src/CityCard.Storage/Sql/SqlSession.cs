using System.Data;
using System.Data.Common;
using CityCard.Clearing;
using CityCard.Clearing.Audit;
using CityCard.Clearing.Ledger;
using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Parameters;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Settlement;
using CityCard.Clearing.Storage;
using CityCard.Clearing.Verification;
using CityCard.Records;
using CityCard.Security.Ep;

namespace CityCard.Storage.Sql;

/// <summary>One transaction on one connection: the reader and writer of <see cref="IClearingStore"/> in portable SQL.</summary>
internal sealed partial class SqlSession : IClearingWriter
{
    public const string CardColumns = "asn, city, card_type, status, deposit_fen, opening_balance_fen, shadow_balance_fen, chain_balance_fen, tip_time, tip_kind, tip_counter, offline_start, offline_next, offline_seen_next, online_start, online_next, online_seen_next, open_gaps, blacklisted_version, registered_utc";

    public const string RecordColumns = "batch_id, idx, asn, counter_kind, counter, order_time, kind, reason, outcome, amount_fen, balance_before_fen, balance_after_fen, party_id, full_fare_fen, subsidy_fen, commission_fen, commission_bps, raw";

    private const string DeviceColumns = "device_id, kind, operator_id, psam_terminal, status, blacklist_version, registered_utc";
    private const string MerchantColumns = "merchant_id, name, category, commission_bps, registered_utc";
    private const string BatchColumns = "batch_id, device_id, batch_number, business_date, received_utc, file_sha256, accepted, accepted_fen, duplicate, duplicate_fen, rejected, rejected_fen, suspect, suspect_fen, settled_on";

    private static readonly HashSet<string> TextParameters = ["@name", "@category", "@reason", "@message", "@file_sha256", "@value", "@reference", "@differences", "@note"];
    private static readonly HashSet<string> BinaryParameters = ["@raw", "@bytes"];

    private readonly SqlDialect dialect;

    public SqlSession(DbConnection connection, DbTransaction transaction, SqlDialect dialect)
    {
        Connection = connection;
        Transaction = transaction;
        this.dialect = dialect;
    }

    public DbConnection Connection { get; }

    /// <summary>
    /// Runs <paramref name="work"/> in a read transaction on a connection of its own (a consistent snapshot of what is
    /// committed; this session's own uncommitted changes are not in it).
    /// </summary>
    internal T OnReadConnection<T>(Func<SqlSession, T> work)
    {
        using var connection = dialect.Open();
        using var transaction = dialect.BeginRead(connection);
        var result = work(new SqlSession(connection, transaction, dialect));
        transaction.Commit();
        return result;
    }

    /// <summary>The transaction under way (a bulk write moves the session on to the next: <see cref="Continue"/>).</summary>
    public DbTransaction Transaction { get; private set; }

    /// <summary>Moves the session on to <paramref name="next"/>, begun on the same connection after the previous one committed.</summary>
    internal void Continue(DbTransaction next) => Transaction = next;

    internal SqlDialect Dialect => dialect;

    public static object AsnValue(Asn asn) => unchecked((long)asn.Value);

    public static Asn AsnOf(long value) => new(unchecked((ulong)value));

    public static long Day(DateOnly date) => (date.Year * 10_000L) + (date.Month * 100L) + date.Day;

    public static DateOnly DayOf(long value) => new((int)(value / 10_000), (int)(value / 100 % 100), (int)(value % 100));

    public static long Seconds(DateTimeOffset instant) => instant.ToUnixTimeSeconds();

    public static DateTimeOffset Instant(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    // ---- command helpers ----

    public DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            if (value is string text && text.Contains('\0', StringComparison.Ordinal))
            {
                // PostgreSQL's text cannot hold U+0000 (22021, a server error) and SQLite would store it: refused alike on
                // both, before anything of the transaction is committed, naming the value (no name, reason or note needs it).
                throw new ClearingInputException($"text '{text.Replace("\0", "\\u0000", StringComparison.Ordinal)}' holds a NUL character (U+0000), which the centre does not store");
            }

            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = value switch
            {
                null => DbType.Int64,
                string => DbType.String,
                byte[] => DbType.Binary,
                _ => DbType.Int64,
            };
            parameter.Value = value switch
            {
                null => DBNull.Value,
                int number => (long)number,
                uint number => (long)number,
                byte number => (long)number,
                ushort number => (long)number,
                short number => (long)number,
                _ => value,
            };
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>A command prepared once and executed per row; parameter types follow their names (text, bytes, else BIGINT).</summary>
    public DbCommand Prepare(string sql, params string[] names)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = TextParameters.Contains(name) ? DbType.String : BinaryParameters.Contains(name) ? DbType.Binary : DbType.Int64;
            command.Parameters.Add(parameter);
        }

        command.Prepare();
        return command;
    }

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    public long Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        var value = command.ExecuteScalar();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public List<T> Query<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>Calls <paramref name="row"/> for each row as it is read (nothing is collected).</summary>
    public void ForEach(string sql, Action<DbDataReader> row, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            row(reader);
        }
    }

    private T? Single<T>(string sql, Func<DbDataReader, T> map, params (string Name, object? Value)[] parameters)
        where T : class => Query(sql, map, parameters).FirstOrDefault();

    private static long? NullableInt64(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    // ---- mapping ----

    public static CardAccount ReadCard(DbDataReader r) => new()
    {
        Asn = AsnOf(r.GetInt64(0)),
        City = new CityCode((ushort)r.GetInt64(1)),
        CardType = (byte)r.GetInt64(2),
        Status = (CardStatus)r.GetInt64(3),
        DepositFen = r.GetInt64(4),
        OpeningBalanceFen = r.GetInt64(5),
        ShadowBalanceFen = r.GetInt64(6),
        ChainBalanceFen = r.GetInt64(7),
        ChainTip = new OrderKey(r.GetInt64(8), (CounterKind)r.GetInt64(9), r.GetInt64(10)),
        OfflineStart = (int)r.GetInt64(11),
        OfflineNext = (int)r.GetInt64(12),
        OfflineSeenNext = (int)r.GetInt64(13),
        OnlineStart = (int)r.GetInt64(14),
        OnlineNext = (int)r.GetInt64(15),
        OnlineSeenNext = (int)r.GetInt64(16),
        OpenGaps = (int)r.GetInt64(17),
        BlacklistedVersion = r.IsDBNull(18) ? null : (uint)r.GetInt64(18),
        RegisteredUtc = Instant(r.GetInt64(19)),
    };

    public static object[] CardValues(CardAccount c) =>
    [
        AsnValue(c.Asn), (long)c.City.Value, (long)c.CardType, (long)c.Status, c.DepositFen, c.OpeningBalanceFen, c.ShadowBalanceFen, c.ChainBalanceFen,
        c.ChainTip.Time, (long)c.ChainTip.Kind, c.ChainTip.Counter, (long)c.OfflineStart, (long)c.OfflineNext, (long)c.OfflineSeenNext,
        (long)c.OnlineStart, (long)c.OnlineNext, (long)c.OnlineSeenNext, (long)c.OpenGaps,
        c.BlacklistedVersion is { } v ? (long)v : DBNull.Value, Seconds(c.RegisteredUtc),
    ];

    public static object[] RecordValues(long batchId, ClearedRecord r) =>
    [
        batchId, (long)r.Index, AsnValue(r.Key.Asn), (long)r.Key.Kind, r.Key.Counter, r.Order.Time, (long)r.Kind, (long)r.Reason, (long)r.Outcome,
        r.AmountFen, r.BalanceBeforeFen, r.BalanceAfterFen, (long)r.PartyId, r.FullFareFen, r.SubsidyFen, r.CommissionFen, (long)r.CommissionBps, r.Raw,
    ];

    private static StoredRecord ReadStoredRecord(DbDataReader r)
    {
        var key = new RecordKey(AsnOf(r.GetInt64(2)), (CounterKind)r.GetInt64(3), r.GetInt64(4));
        var record = new ClearedRecord
        {
            Index = (int)r.GetInt64(1),
            Key = key,
            Order = new OrderKey(r.GetInt64(5), key.Kind, key.Counter),
            Kind = (RecordKind)r.GetInt64(6),
            Reason = (ReasonCode)r.GetInt64(7),
            AmountFen = r.GetInt64(9),
            BalanceBeforeFen = r.GetInt64(10),
            BalanceAfterFen = r.GetInt64(11),
            PartyId = (uint)r.GetInt64(12),
            FullFareFen = r.GetInt64(13),
            SubsidyFen = r.GetInt64(14),
            CommissionFen = r.GetInt64(15),
            CommissionBps = (int)r.GetInt64(16),
            Raw = r.GetFieldValue<byte[]>(17),
        };
        return new StoredRecord(r.GetInt64(0), (uint)r.GetInt64(18), (uint)r.GetInt64(19), record);
    }

    private static Device ReadDevice(DbDataReader r) => new()
    {
        DeviceId = (uint)r.GetInt64(0),
        Kind = (DeviceKind)r.GetInt64(1),
        OperatorId = (uint)r.GetInt64(2),
        PsamTerminal = new TerminalId((ulong)r.GetInt64(3)),
        Status = (DeviceStatus)r.GetInt64(4),
        BlacklistVersion = (uint)r.GetInt64(5),
        RegisteredUtc = Instant(r.GetInt64(6)),
    };

    private static Merchant ReadMerchant(DbDataReader r) => new()
    {
        MerchantId = (uint)r.GetInt64(0),
        Name = r.GetString(1),
        Category = r.GetString(2),
        CommissionBps = (int)r.GetInt64(3),
        RegisteredUtc = Instant(r.GetInt64(4)),
    };

    private static StoredBatch ReadBatch(DbDataReader r) => new(
        r.GetInt64(0),
        new BatchReceipt
        {
            DeviceId = (uint)r.GetInt64(1),
            BatchNumber = (uint)r.GetInt64(2),
            BusinessDate = DayOf(r.GetInt64(3)),
            ReceivedUtc = Instant(r.GetInt64(4)),
            FileSha256 = r.GetString(5),
            Status = BatchStatus.Cleared,
            Totals = new OutcomeTotals
            {
                Accepted = (int)r.GetInt64(6),
                AcceptedFen = r.GetInt64(7),
                Duplicate = (int)r.GetInt64(8),
                DuplicateFen = r.GetInt64(9),
                Rejected = (int)r.GetInt64(10),
                RejectedFen = r.GetInt64(11),
                Suspect = (int)r.GetInt64(12),
                SuspectFen = r.GetInt64(13),
            },
        },
        r.IsDBNull(14) ? null : DayOf(r.GetInt64(14)));

    private static BatchReceipt ReadRefused(DbDataReader r) => new()
    {
        FileSha256 = r.GetString(0),
        Status = BatchStatus.Refused,
        Refusal = (FileRefusal)r.GetInt64(1),
        DeviceId = r.IsDBNull(2) ? null : (uint)r.GetInt64(2),
        BatchNumber = r.IsDBNull(3) ? null : (uint)r.GetInt64(3),
        BusinessDate = r.IsDBNull(4) ? null : DayOf(r.GetInt64(4)),
        Message = r.GetString(5),
        ReceivedUtc = Instant(r.GetInt64(6)),
    };

    // ---- reader ----

    public string? GetSetting(string key) =>
        Query("SELECT value FROM settings WHERE name = @name", r => r.GetString(0), ("@name", key)).FirstOrDefault();

    public Device? FindDevice(uint deviceId) =>
        Single($"SELECT {DeviceColumns} FROM devices WHERE device_id = @id", ReadDevice, ("@id", deviceId));

    public Device? FindDeviceByTerminal(TerminalId terminal) =>
        Single($"SELECT {DeviceColumns} FROM devices WHERE psam_terminal = @terminal ORDER BY device_id", ReadDevice, ("@terminal", (long)terminal.Value));

    public IReadOnlyList<Device> Devices() => Query($"SELECT {DeviceColumns} FROM devices ORDER BY device_id", ReadDevice);

    public Merchant? FindMerchant(uint merchantId) =>
        Single($"SELECT {MerchantColumns} FROM merchants WHERE merchant_id = @id", ReadMerchant, ("@id", merchantId));

    public IReadOnlyList<Merchant> Merchants() => Query($"SELECT {MerchantColumns} FROM merchants ORDER BY merchant_id", ReadMerchant);

    public CardAccount? FindCard(Asn asn) =>
        Single($"SELECT {CardColumns} FROM cards WHERE asn = @asn", ReadCard, ("@asn", AsnValue(asn)));

    public IReadOnlyList<StoredRecord> CardHistory(Asn asn) => Query(
        $"""
        SELECT * FROM (
          SELECT {Prefixed("r", RecordColumns)}, b.device_id, b.batch_number FROM records r JOIN batches b ON b.batch_id = r.batch_id WHERE r.asn = @asn AND r.outcome = 1
          UNION ALL
          SELECT {Prefixed("r", RecordColumns)}, b.device_id, b.batch_number FROM records r JOIN batches b ON b.batch_id = r.batch_id WHERE r.asn = @asn AND r.outcome <> 1) h
        ORDER BY h.order_time, h.counter_kind, h.counter, h.batch_id, h.idx
        """,
        ReadStoredRecord,
        ("@asn", AsnValue(asn)));

    public Clearing.Loads.PendingLoad? FindPendingLoad(Asn asn, ushort onlineCounter) => Single(
        "SELECT asn, online_counter, device_id, terminal, balance_before_fen, amount_fen, host_time, mac2, status, authorised_utc FROM pending_loads WHERE asn = @asn AND online_counter = @counter",
        r => new Clearing.Loads.PendingLoad
        {
            Asn = AsnOf(r.GetInt64(0)),
            OnlineCounter = (ushort)r.GetInt64(1),
            DeviceId = (uint)r.GetInt64(2),
            Terminal = new TerminalId((ulong)r.GetInt64(3)),
            BalanceBeforeFen = r.GetInt64(4),
            AmountFen = r.GetInt64(5),
            HostDateTime = BcdDateTime.Parse(r.GetInt64(6).ToString(System.Globalization.CultureInfo.InvariantCulture), "host_time"),
            Mac2 = (uint)r.GetInt64(7),
            Status = (Clearing.Loads.LoadStatus)r.GetInt64(8),
            AuthorisedUtc = Instant(r.GetInt64(9)),
        },
        ("@asn", AsnValue(asn)),
        ("@counter", (long)onlineCounter));

    public StoredRecord? FindRecord(long batchId, int index) => Single(
        $"SELECT {Prefixed("r", RecordColumns)}, b.device_id, b.batch_number FROM records r JOIN batches b ON b.batch_id = r.batch_id WHERE r.batch_id = @batch AND r.idx = @idx",
        ReadStoredRecord,
        ("@batch", batchId),
        ("@idx", (long)index));

    public (ReviewDecision Decision, string Note)? FindReview(long batchId, int index) => Query(
        "SELECT decision, note FROM reviews WHERE batch_id = @batch AND idx = @idx",
        r => ((ReviewDecision)r.GetInt64(0), r.GetString(1)),
        ("@batch", batchId),
        ("@idx", (long)index)) is [var only] ? only : null;

    public IReadOnlyList<StoredRecord> RecordsByOutcome(RecordOutcome outcome, int limit) => Query(
        $"SELECT {Prefixed("r", RecordColumns)}, b.device_id, b.batch_number FROM records r JOIN batches b ON b.batch_id = r.batch_id WHERE r.outcome = @outcome ORDER BY r.batch_id DESC, r.idx LIMIT @limit",
        ReadStoredRecord,
        ("@outcome", (long)outcome),
        ("@limit", (long)limit));

    public StoredBatch? FindBatch(uint deviceId, uint batchNumber) => Single(
        $"SELECT {BatchColumns} FROM batches WHERE device_id = @device AND batch_number = @number",
        ReadBatch,
        ("@device", deviceId),
        ("@number", batchNumber));

    public BatchReceipt? FindRefusedFile(string fileSha256, FileRefusal refusal) => Single(
        "SELECT file_sha256, refusal, device_id, batch_number, business_date, message, received_utc FROM refused_files WHERE file_sha256 = @file_sha256 AND refusal = @refusal",
        ReadRefused,
        ("@file_sha256", fileSha256),
        ("@refusal", (long)refusal));

    public IReadOnlyList<BatchReceipt> RefusedFiles(int limit) => Query(
        "SELECT file_sha256, refusal, device_id, batch_number, business_date, message, received_utc FROM refused_files ORDER BY received_utc DESC, file_sha256 LIMIT @limit",
        ReadRefused,
        ("@limit", (long)limit));

    public IReadOnlyList<BlacklistEntry> Blacklist(uint afterVersion) => Query(
        "SELECT version, asn, action, reason, added_utc FROM blacklist WHERE version > @version ORDER BY version",
        r => new BlacklistEntry((uint)r.GetInt64(0), AsnOf(r.GetInt64(1)), (BlacklistAction)r.GetInt64(2), r.GetString(3), Instant(r.GetInt64(4))),
        ("@version", afterVersion));

    public IReadOnlyList<Posting> LedgerPostings(long transactionId) => Query(
        "SELECT account, sub, amount_fen FROM postings WHERE transaction_id = @id ORDER BY line",
        r => new Posting(new Account((AccountKind)r.GetInt64(0), r.GetInt64(1)), r.GetInt64(2)),
        ("@id", transactionId));

    public SettlementReport? FindSettlement(DateOnly businessDay)
    {
        var header = Query(
            "SELECT created_utc, batches, differences FROM settlements WHERE business_date = @day",
            r => (Created: r.GetInt64(0), Batches: r.GetInt64(1), Differences: r.GetString(2)),
            ("@day", Day(businessDay)));
        if (header.Count == 0)
        {
            return null;
        }

        var statements = Query(
            "SELECT merchant_id, name, category, commission_bps, purchases, gross_fen, discount_fen, subsidy_fen, revenue_fen, commission_fen, net_fen, loads, loads_fen, claims, claims_fen FROM settlement_statements WHERE business_date = @day ORDER BY merchant_id, commission_bps",
            ReadStatement,
            ("@day", Day(businessDay)));
        return new SettlementReport
        {
            Date = businessDay,
            CreatedUtc = Instant(header[0].Created),
            Batches = (int)header[0].Batches,
            Statements = statements,
            Differences = header[0].Differences.Length == 0 ? [] : header[0].Differences.Split('\n'),
        };
    }

    public DateOnly? LatestSettlement()
    {
        var latest = Scalar("SELECT COALESCE(MAX(business_date), 0) FROM settlements");
        return latest == 0 ? null : DayOf(latest);
    }

    public AuditReport Audit(DateTimeOffset? asOf = null) => SqlAudit.Run(this, asOf);

    // ---- parameter publication ----

    private const string ContentColumns = "content_version, content, note, set_utc";
    private const string PublicationColumns = "version, content_version, blacklist_version, published_utc, payload_sha256";
    private const string PickupColumns = "device_id, version, blacklist_version, delta, picked_up_utc";

    public ParameterContent? LatestParameterContent() =>
        Single($"SELECT {ContentColumns} FROM parameter_contents ORDER BY content_version DESC LIMIT 1", ReadContent);

    public ParameterContent? FindParameterContent(uint contentVersion) =>
        Single($"SELECT {ContentColumns} FROM parameter_contents WHERE content_version = @version", ReadContent, ("@version", contentVersion));

    public ParameterPublication? LatestParameterPublication() =>
        Single($"SELECT {PublicationColumns} FROM parameter_versions ORDER BY version DESC LIMIT 1", ReadPublication);

    public ParameterPublication? FindParameterPublication(uint version) =>
        Single($"SELECT {PublicationColumns} FROM parameter_versions WHERE version = @version", ReadPublication, ("@version", version));

    public IReadOnlyList<ParameterPickup> ParameterPickups(uint? deviceId, int limit) => deviceId is { } device
        ? Query($"SELECT {PickupColumns} FROM parameter_pickups WHERE device_id = @device ORDER BY picked_up_utc DESC, version DESC LIMIT @limit", ReadPickup, ("@device", device), ("@limit", (long)limit))
        : Query($"SELECT {PickupColumns} FROM parameter_pickups ORDER BY picked_up_utc DESC, device_id, version DESC LIMIT @limit", ReadPickup, ("@limit", (long)limit));

    public ParameterPickup? FirstPickupOfBlacklist(uint deviceId, uint blacklistVersion) => Single(
        $"SELECT {PickupColumns} FROM parameter_pickups WHERE device_id = @device AND blacklist_version >= @blacklist ORDER BY picked_up_utc, version LIMIT 1",
        ReadPickup,
        ("@device", deviceId),
        ("@blacklist", blacklistVersion));

    public IReadOnlyList<OpenGap> OpenGaps(DateTimeOffset openedBefore, int limit) => Query(
        "SELECT asn, counter_kind, counter, opened_utc FROM gaps WHERE opened_utc IS NULL OR opened_utc <= @cutoff ORDER BY asn, counter_kind, counter LIMIT @limit",
        r => new OpenGap(AsnOf(r.GetInt64(0)), (CounterKind)r.GetInt64(1), r.GetInt64(2), r.IsDBNull(3) ? null : Instant(r.GetInt64(3))),
        ("@cutoff", Seconds(openedBefore)),
        ("@limit", (long)limit));

    private static ParameterContent ReadContent(DbDataReader r) => new((uint)r.GetInt64(0), r.GetString(1), r.GetString(2), Instant(r.GetInt64(3)));

    private static ParameterPublication ReadPublication(DbDataReader r) =>
        new((uint)r.GetInt64(0), (uint)r.GetInt64(1), (uint)r.GetInt64(2), Instant(r.GetInt64(3)), r.GetString(4));

    private static ParameterPickup ReadPickup(DbDataReader r) =>
        new((uint)r.GetInt64(0), (uint)r.GetInt64(1), (uint)r.GetInt64(2), r.GetInt64(3) != 0, Instant(r.GetInt64(4)));

    private static MerchantStatement ReadStatement(DbDataReader r) => new()
    {
        MerchantId = (uint)r.GetInt64(0),
        Name = r.GetString(1),
        Category = r.GetString(2),
        CommissionBps = (int)r.GetInt64(3),
        Purchases = r.GetInt64(4),
        GrossFen = r.GetInt64(5),
        DiscountFen = r.GetInt64(6),
        ConcessionSubsidyFen = r.GetInt64(7),
        RevenueFen = r.GetInt64(8),
        CommissionFen = r.GetInt64(9),
        NetFen = r.GetInt64(10),
        Loads = r.GetInt64(11),
        LoadsFen = r.GetInt64(12),
        Claims = r.GetInt64(13),
        ClaimsFen = r.GetInt64(14),
    };

    internal static string Prefixed(string alias, string columns) => string.Join(", ", columns.Split(", ").Select(c => $"{alias}.{c}"));
}
