using System.Data.Common;
using System.Globalization;
using CityCard.Clearing.Lifecycle;
using CityCard.Clearing.Loads;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Security.Ep;

namespace CityCard.Storage.Sql;

/// <summary>The card lifecycle's tables (migration 5): profiles, pending credits, the operator log, requests, approvals.</summary>
internal sealed partial class SqlSession
{
    private const string ProfileColumns = "asn, product, holder_name, id_number, valid_until, concession_valid_until, lost_utc, lost_balance_fen, closed_as, closed_utc, replaced_by, replaces, statement";
    private const string CreditColumns = "credit_id, asn, source, reference, amount_fen, status, created_utc, load_counter, load_device, settled_utc";
    private const string LogColumns = "sequence, operator, action, subject, at_utc, before_state, after_state, request_id, previous_hash, hash";
    private const string ApprovalColumns = "approval_id, operation, subject, amount_fen, maker, request_id, payload, status, checker, created_utc, decided_utc";
    private const string LoadColumns = "asn, online_counter, device_id, terminal, balance_before_fen, amount_fen, host_time, mac2, status, authorised_utc";
    private const string LogHeadSetting = "operator-log-head";

    // ---- reader ----

    public CardProfile? FindProfile(Asn asn) =>
        Single($"SELECT {ProfileColumns} FROM card_profiles WHERE asn = @asn", ReadProfile, ("@asn", AsnValue(asn)));

    public IReadOnlyList<PendingCredit> PendingCredits(Asn asn) =>
        Query($"SELECT {CreditColumns} FROM pending_credits WHERE asn = @asn ORDER BY credit_id", ReadCredit, ("@asn", AsnValue(asn)));

    public PendingCredit? FindPendingCredit(string reference) =>
        Single($"SELECT {CreditColumns} FROM pending_credits WHERE reference = @reference", ReadCredit, ("@reference", reference));

    public IReadOnlyList<PendingCredit> StalePendingCredits(DateTimeOffset beforeUtc, int limit) => Query(
        $"SELECT {CreditColumns} FROM pending_credits WHERE status = @status AND created_utc < @before ORDER BY created_utc, credit_id LIMIT @limit",
        ReadCredit,
        ("@status", (long)PendingCreditStatus.Available),
        ("@before", Seconds(beforeUtc)),
        ("@limit", (long)limit));

    public IReadOnlyList<PendingLoad> OpenLoads(Asn asn) => Query(
        $"SELECT {LoadColumns} FROM pending_loads WHERE asn = @asn AND status IN (@authorised, @expired) ORDER BY online_counter",
        ReadLoad,
        ("@asn", AsnValue(asn)),
        ("@authorised", (long)LoadStatus.Authorised),
        ("@expired", (long)LoadStatus.Expired));

    public IReadOnlyList<PendingLoad> StaleLoads(DateTimeOffset beforeUtc, int limit) => Query(
        $"SELECT {LoadColumns} FROM pending_loads WHERE status = @authorised AND authorised_utc < @before ORDER BY authorised_utc, asn, online_counter LIMIT @limit",
        ReadLoad,
        ("@authorised", (long)LoadStatus.Authorised),
        ("@before", Seconds(beforeUtc)),
        ("@limit", (long)limit));

    public IReadOnlyList<PendingLoad> UnconfirmedClaimsWithRecords(DateOnly businessDay) => Query(
        $"""
        SELECT {Prefixed("l", LoadColumns)} FROM pending_loads l
        WHERE l.status IN (@authorised, @expired)
          AND EXISTS (SELECT 1 FROM pending_credits c WHERE c.asn = l.asn AND c.status = @reserved AND c.load_counter = l.online_counter AND c.load_device = l.device_id)
          AND EXISTS (SELECT 1 FROM records r JOIN batches b ON b.batch_id = r.batch_id
                      WHERE r.asn = l.asn AND r.counter_kind = 2 AND r.counter = l.online_counter AND r.outcome = 1 AND r.kind = 3 AND b.device_id = l.device_id
                        AND b.settled_on IS NULL AND b.business_date <= @day)
        ORDER BY l.asn, l.online_counter
        """,
        ReadLoad,
        ("@authorised", (long)LoadStatus.Authorised),
        ("@expired", (long)LoadStatus.Expired),
        ("@reserved", (long)PendingCreditStatus.Reserved),
        ("@day", Day(businessDay)));

    public uint? LoadMac1(Asn asn, ushort onlineCounter) =>
        Query("SELECT mac1 FROM pending_loads WHERE asn = @asn AND online_counter = @counter", r => NullableInt64(r, 0), ("@asn", AsnValue(asn)), ("@counter", (long)onlineCounter))
            .FirstOrDefault() is { } mac1 ? (uint)mac1 : null;

    public Clearing.Operators.OperatorAccount? FindOperatorByToken(string tokenSha256) =>
        Single("SELECT name, role, created_utc, revoked_utc FROM operators WHERE token_sha256 = @hash", ReadOperator, ("@hash", tokenSha256));

    // Sorted here by code point: PostgreSQL's ORDER BY follows the database's collation (a cluster initialised with a
    // language locale puts "adam" before "Bob"), SQLite's compares bytes; the list reads the same on both.
    public IReadOnlyList<Clearing.Operators.OperatorAccount> Operators() =>
        [.. Query("SELECT name, role, created_utc, revoked_utc FROM operators", ReadOperator).OrderBy(o => o.Name, StringComparer.Ordinal)];

    public bool AddOperator(Clearing.Operators.OperatorAccount account, string tokenSha256)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (Scalar("SELECT COUNT(*) FROM operators WHERE name = @name", ("@name", account.Name)) > 0)
        {
            return false;
        }

        Execute(
            "INSERT INTO operators (name, role, token_sha256, created_utc, revoked_utc) VALUES (@name, @role, @hash, @created, NULL)",
            ("@name", account.Name),
            ("@role", (long)account.Role),
            ("@hash", tokenSha256),
            ("@created", Seconds(account.CreatedUtc)));
        return true;
    }

    public bool RotateOperatorToken(string name, string tokenSha256) =>
        Execute("UPDATE operators SET token_sha256 = @hash WHERE name = @name AND revoked_utc IS NULL", ("@hash", tokenSha256), ("@name", name)) == 1;

    public bool RevokeOperator(string name, DateTimeOffset revokedUtc) =>
        Execute("UPDATE operators SET revoked_utc = @revoked WHERE name = @name AND revoked_utc IS NULL", ("@revoked", Seconds(revokedUtc)), ("@name", name)) == 1;

    private static Clearing.Operators.OperatorAccount ReadOperator(System.Data.Common.DbDataReader r) =>
        new(r.GetString(0), (Clearing.Operators.OperatorRole)r.GetInt64(1), Instant(r.GetInt64(2)), r.IsDBNull(3) ? null : Instant(r.GetInt64(3)));

    public IReadOnlyList<OperatorLogEntry> OperatorLog(long afterSequence, int limit) => Query(
        $"SELECT {LogColumns} FROM operator_log WHERE sequence > @after ORDER BY sequence LIMIT @limit",
        ReadLogEntry,
        ("@after", afterSequence),
        ("@limit", (long)limit));

    public StoredOperation? FindOperation(string requestId) => Single(
        "SELECT request_id, operation, fingerprint, answer, created_utc FROM operations WHERE request_id = @request",
        r => new StoredOperation(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Instant(r.GetInt64(4))),
        ("@request", requestId));

    public Approval? FindApproval(long approvalId) =>
        Single($"SELECT {ApprovalColumns} FROM approvals WHERE approval_id = @id", ReadApproval, ("@id", approvalId));

    public IReadOnlyList<Approval> PendingApprovals() =>
        Query($"SELECT {ApprovalColumns} FROM approvals WHERE status = 'pending' ORDER BY approval_id", ReadApproval);

    public IReadOnlyList<CardRecordLine> CardRecords(Asn asn) => Query(
        $"""
        SELECT {Prefixed("r", RecordColumns)}, b.device_id, b.batch_number, b.received_utc FROM records r JOIN batches b ON b.batch_id = r.batch_id
        WHERE r.asn = @asn ORDER BY b.received_utc, r.batch_id, r.idx
        """,
        r => new CardRecordLine(ReadStoredRecord(r), Instant(r.GetInt64(20))),
        ("@asn", AsnValue(asn)));

    // ---- writer ----

    public long NextCardSerial(CityCode city)
    {
        var name = "card-serial-" + city.ToString();
        var next = long.Parse(GetSetting(name) ?? "1", CultureInfo.InvariantCulture);
        SetSetting(name, (next + 1).ToString(CultureInfo.InvariantCulture));
        return next;
    }

    public void SaveProfile(CardProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Execute("DELETE FROM card_profiles WHERE asn = @asn", ("@asn", AsnValue(profile.Asn)));
        ExecuteWithText(
            ["@holder", "@id_number", "@closed_as", "@statement"],
            $"INSERT INTO card_profiles ({ProfileColumns}) VALUES (@asn, @product, @holder, @id_number, @valid, @concession, @lost, @lost_balance, @closed_as, @closed, @replaced_by, @replaces, @statement)",
            ("@asn", AsnValue(profile.Asn)),
            ("@product", profile.Product),
            ("@holder", profile.HolderName),
            ("@id_number", profile.IdNumber),
            ("@valid", Day(profile.ValidUntil)),
            ("@concession", profile.ConcessionValidUntil is { } c ? Day(c) : null),
            ("@lost", profile.LostUtc is { } l ? Seconds(l) : null),
            ("@lost_balance", profile.LostBalanceFen),
            ("@closed_as", profile.ClosedAs),
            ("@closed", profile.ClosedUtc is { } d ? Seconds(d) : null),
            ("@replaced_by", profile.ReplacedBy is { } by ? AsnValue(by) : null),
            ("@replaces", profile.Replaces is { } of ? AsnValue(of) : null),
            ("@statement", profile.Statement));
    }

    public void CloseCardAccount(Asn asn) => Execute(
        "UPDATE cards SET shadow_balance_fen = 0, deposit_fen = 0, status = @status WHERE asn = @asn",
        ("@status", (long)CardStatus.Cancelled),
        ("@asn", AsnValue(asn)));

    public void SetCardProduct(Asn asn, byte cardType, long depositFen) => Execute(
        "UPDATE cards SET card_type = @type, deposit_fen = @deposit WHERE asn = @asn",
        ("@type", (long)cardType),
        ("@deposit", depositFen),
        ("@asn", AsnValue(asn)));

    public PendingCredit SavePendingCredit(PendingCredit credit)
    {
        ArgumentNullException.ThrowIfNull(credit);
        if (credit.CreditId != 0)
        {
            Execute(
                "UPDATE pending_credits SET status = @status, load_counter = @counter, load_device = @device, settled_utc = @settled WHERE credit_id = @id",
                ("@status", (long)credit.Status),
                ("@counter", credit.LoadCounter is { } c ? (long)c : null),
                ("@device", credit.LoadDevice is { } d ? (long)d : null),
                ("@settled", credit.SettledUtc is { } s ? Seconds(s) : null),
                ("@id", credit.CreditId));
            return credit;
        }

        var stored = credit with { CreditId = Scalar("SELECT COALESCE(MAX(credit_id), 0) FROM pending_credits") + 1 };
        Execute(
            $"INSERT INTO pending_credits ({CreditColumns}) VALUES (@id, @asn, @source, @reference, @amount, @status, @created, @counter, @device, @settled)",
            ("@id", stored.CreditId),
            ("@asn", AsnValue(stored.Asn)),
            ("@source", stored.Source),
            ("@reference", stored.Reference),
            ("@amount", stored.AmountFen),
            ("@status", (long)stored.Status),
            ("@created", Seconds(stored.CreatedUtc)),
            ("@counter", stored.LoadCounter is { } c2 ? (long)c2 : null),
            ("@device", stored.LoadDevice is { } d2 ? (long)d2 : null),
            ("@settled", stored.SettledUtc is { } s2 ? Seconds(s2) : null));
        return stored;
    }

    public OperatorLogEntry AppendOperatorLog(string who, string action, string subject, DateTimeOffset atUtc, string before, string after, string requestId)
    {
        var head = GetSetting(LogHeadSetting);
        var (count, previous) = head is null ? (0L, OperatorLogChain.Genesis) : (long.Parse(head[..head.IndexOf(':', StringComparison.Ordinal)], CultureInfo.InvariantCulture), head[(head.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        var sequence = count + 1;
        var at = Instant(Seconds(atUtc));
        var hash = OperatorLogChain.Hash(previous, sequence, who, action, subject, at, before, after, requestId);
        Execute(
            $"INSERT INTO operator_log ({LogColumns}) VALUES (@sequence, @operator, @action, @subject, @at, @before, @after, @request, @previous, @hash)",
            ("@sequence", sequence),
            ("@operator", who),
            ("@action", action),
            ("@subject", subject),
            ("@at", Seconds(at)),
            ("@before", before),
            ("@after", after),
            ("@request", requestId),
            ("@previous", previous),
            ("@hash", hash));
        SetSetting(LogHeadSetting, sequence.ToString(CultureInfo.InvariantCulture) + ":" + hash);
        return new OperatorLogEntry(sequence, who, action, subject, at, before, after, requestId, previous, hash);
    }

    public void SaveOperation(StoredOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        Execute(
            "INSERT INTO operations (request_id, operation, fingerprint, answer, created_utc) VALUES (@request, @operation, @fingerprint, @answer, @created)",
            ("@request", operation.RequestId),
            ("@operation", operation.Operation),
            ("@fingerprint", operation.Fingerprint),
            ("@answer", operation.Answer),
            ("@created", Seconds(operation.CreatedUtc)));
    }

    public void ReplaceOperationAnswer(string requestId, string answer)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        ArgumentNullException.ThrowIfNull(answer);
        if (Execute("UPDATE operations SET answer = @answer WHERE request_id = @request", ("@request", requestId), ("@answer", answer)) != 1)
        {
            throw new InvalidOperationException($"request {requestId}: no stored answer to replace");
        }
    }

    public Approval SaveApproval(Approval approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (approval.ApprovalId != 0)
        {
            ExecuteWithText(
                ["@checker"],
                "UPDATE approvals SET status = @status, checker = @checker, decided_utc = @decided WHERE approval_id = @id",
                ("@status", approval.Status),
                ("@checker", approval.Checker),
                ("@decided", approval.DecidedUtc is { } d ? Seconds(d) : null),
                ("@id", approval.ApprovalId));
            return approval;
        }

        var stored = approval with { ApprovalId = Scalar("SELECT COALESCE(MAX(approval_id), 0) FROM approvals") + 1 };
        ExecuteWithText(
            ["@checker"],
            $"INSERT INTO approvals ({ApprovalColumns}) VALUES (@id, @operation, @subject, @amount, @maker, @request, @payload, @status, @checker, @created, @decided)",
            ("@id", stored.ApprovalId),
            ("@operation", stored.Operation),
            ("@subject", stored.Subject),
            ("@amount", stored.AmountFen),
            ("@maker", stored.Maker),
            ("@request", stored.RequestId),
            ("@payload", stored.Payload),
            ("@status", stored.Status),
            ("@checker", stored.Checker),
            ("@created", Seconds(stored.CreatedUtc)),
            ("@decided", stored.DecidedUtc is { } d2 ? Seconds(d2) : null));
        return stored;
    }

    public void SetLoadStatus(Asn asn, ushort onlineCounter, LoadStatus status) => Execute(
        "UPDATE pending_loads SET status = @status WHERE asn = @asn AND online_counter = @counter",
        ("@status", (long)status),
        ("@asn", AsnValue(asn)),
        ("@counter", (long)onlineCounter));

    public void RemovePendingLoad(Asn asn, ushort onlineCounter) => Execute(
        "DELETE FROM pending_loads WHERE asn = @asn AND online_counter = @counter",
        ("@asn", AsnValue(asn)),
        ("@counter", (long)onlineCounter));

    public void SetLoadMac1(Asn asn, ushort onlineCounter, uint mac1) => Execute(
        "UPDATE pending_loads SET mac1 = @mac1 WHERE asn = @asn AND online_counter = @counter",
        ("@mac1", (long)mac1),
        ("@asn", AsnValue(asn)),
        ("@counter", (long)onlineCounter));

    // A null parameter is typed BIGINT by Command; PostgreSQL refuses that for a TEXT column, so these are typed as text.
    private int ExecuteWithText(string[] textNames, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        foreach (DbParameter parameter in command.Parameters)
        {
            if (textNames.Contains(parameter.ParameterName, StringComparer.Ordinal))
            {
                parameter.DbType = System.Data.DbType.String;
            }
        }

        return command.ExecuteNonQuery();
    }

    // ---- mapping ----

    private static CardProfile ReadProfile(DbDataReader r) => new()
    {
        Asn = AsnOf(r.GetInt64(0)),
        Product = r.GetString(1),
        HolderName = r.IsDBNull(2) ? null : r.GetString(2),
        IdNumber = r.IsDBNull(3) ? null : r.GetString(3),
        ValidUntil = DayOf(r.GetInt64(4)),
        ConcessionValidUntil = r.IsDBNull(5) ? null : DayOf(r.GetInt64(5)),
        LostUtc = r.IsDBNull(6) ? null : Instant(r.GetInt64(6)),
        LostBalanceFen = NullableInt64(r, 7),
        ClosedAs = r.IsDBNull(8) ? null : r.GetString(8),
        ClosedUtc = r.IsDBNull(9) ? null : Instant(r.GetInt64(9)),
        ReplacedBy = r.IsDBNull(10) ? null : AsnOf(r.GetInt64(10)),
        Replaces = r.IsDBNull(11) ? null : AsnOf(r.GetInt64(11)),
        Statement = r.IsDBNull(12) ? null : r.GetString(12),
    };

    private static PendingCredit ReadCredit(DbDataReader r) => new()
    {
        CreditId = r.GetInt64(0),
        Asn = AsnOf(r.GetInt64(1)),
        Source = r.GetString(2),
        Reference = r.GetString(3),
        AmountFen = r.GetInt64(4),
        Status = (PendingCreditStatus)r.GetInt64(5),
        CreatedUtc = Instant(r.GetInt64(6)),
        LoadCounter = r.IsDBNull(7) ? null : (ushort)r.GetInt64(7),
        LoadDevice = r.IsDBNull(8) ? null : (uint)r.GetInt64(8),
        SettledUtc = r.IsDBNull(9) ? null : Instant(r.GetInt64(9)),
    };

    private static OperatorLogEntry ReadLogEntry(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), Instant(r.GetInt64(4)), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9));

    private static Approval ReadApproval(DbDataReader r) => new()
    {
        ApprovalId = r.GetInt64(0),
        Operation = r.GetString(1),
        Subject = r.GetString(2),
        AmountFen = r.GetInt64(3),
        Maker = r.GetString(4),
        RequestId = r.GetString(5),
        Payload = r.GetString(6),
        Status = r.GetString(7),
        Checker = r.IsDBNull(8) ? null : r.GetString(8),
        CreatedUtc = Instant(r.GetInt64(9)),
        DecidedUtc = r.IsDBNull(10) ? null : Instant(r.GetInt64(10)),
    };

    private static PendingLoad ReadLoad(DbDataReader r) => new()
    {
        Asn = AsnOf(r.GetInt64(0)),
        OnlineCounter = (ushort)r.GetInt64(1),
        DeviceId = (uint)r.GetInt64(2),
        Terminal = new TerminalId((ulong)r.GetInt64(3)),
        BalanceBeforeFen = r.GetInt64(4),
        AmountFen = r.GetInt64(5),
        HostDateTime = BcdDateTime.Parse(r.GetInt64(6).ToString(CultureInfo.InvariantCulture), "host_time"),
        Mac2 = (uint)r.GetInt64(7),
        Status = (LoadStatus)r.GetInt64(8),
        AuthorisedUtc = Instant(r.GetInt64(9)),
    };
}
