using System.Data.Common;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Verification;
using CityCard.Security.Ep;

namespace CityCard.Storage.Sql;

/// <summary>
/// What differs between engines: connections, the global write lock, and the hot paths (bulk loads and inserts).
/// The default hot paths are prepared statements executed per row inside the transaction, correct on every engine.
/// </summary>
internal abstract class SqlDialect
{
    public abstract DatabaseKind Kind { get; }

    public abstract string BlobType { get; }

    /// <summary>Migrate on open (SQLite) or require <c>db migrate</c> (PostgreSQL).</summary>
    public abstract bool MigratesOnOpen { get; }

    public abstract DbConnection Open();

    /// <summary>Begins a transaction holding the database-wide write lock until it ends.</summary>
    public abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>Called after a write transaction on <paramref name="connection"/> committed (SQLite counts WAL pages).</summary>
    public virtual void Committed(DbConnection connection)
    {
    }

    /// <summary>Begins a read-only transaction over a consistent snapshot.</summary>
    public abstract DbTransaction BeginRead(DbConnection connection);

    /// <summary>
    /// Commits the session's write transaction and begins the next on the same connection (a step of a bulk write);
    /// true when no other writer can have committed between the two. <paramref name="between"/> runs in the gap (tests).
    /// </summary>
    public virtual bool CommitAndBegin(SqlSession session, Action? between)
    {
        using (var done = session.Transaction)
        {
            done.Commit();
        }

        Committed(session.Connection);
        between?.Invoke();
        session.Continue(BeginWrite(session.Connection));
        return false;
    }

    /// <summary>
    /// The records of the batches <paramref name="where"/> selects (alias <c>b</c>), counted and summed per batch, party,
    /// rate, outcome and kind (the settlement's recount). The default lets the engine group them.
    /// </summary>
    public virtual List<RecordLine> RecordLines(SqlSession session, string where, (string Name, object? Value)[] parameters) => session.Query(
        $"""
        SELECT r.batch_id, r.party_id, r.commission_bps, r.outcome, r.kind, COUNT(*), {SqlSession.Sum("r.amount_fen")}, {SqlSession.Sum("r.full_fare_fen")},
          {SqlSession.Sum("r.subsidy_fen")}, {SqlSession.Sum("r.commission_fen")}, {SqlSession.Sum("CASE WHEN r.outcome <> r.reason / 100 THEN 1 ELSE 0 END")}
        FROM batches b JOIN records r ON r.batch_id = b.batch_id {where}
        GROUP BY r.batch_id, r.party_id, r.commission_bps, r.outcome, r.kind
        """,
        r => new RecordLine(
            r.GetInt64(0),
            new BatchTotal(r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9)),
            r.GetInt64(10)),
        parameters);

    /// <summary>
    /// The ledger transactions after <paramref name="from"/> up to <paramref name="last"/>, summed for the settlement
    /// audit. The default lets the engine sum and group them (three passes over the range) and leaves the touched cards to
    /// <see cref="VisitTouchedCards"/>.
    /// </summary>
    public virtual LedgerRange ReadLedgerRange(SqlSession session, long from, long last) => LedgerRangeInSql(session, from, last);

    /// <summary>The default <see cref="ReadLedgerRange"/>, in SQL on any engine (tests compare an engine's own with it).</summary>
    internal static LedgerRange LedgerRangeInSql(SqlSession session, long from, long last)
    {
        var range = new (string, object?)[] { ("@from", from), ("@last", last) };
        var postings = session.Scalar($"SELECT {SqlSession.Sum("amount_fen")} FROM postings WHERE transaction_id > @from AND transaction_id <= @last", range);
        var cardFloat = session.Scalar($"SELECT {SqlSession.Sum("amount_fen")} FROM postings WHERE transaction_id > @from AND transaction_id <= @last AND account = 1", range);
        var unbalanced = session.Query(
            $"SELECT transaction_id, {SqlSession.Sum("amount_fen")} FROM postings WHERE transaction_id > @from AND transaction_id <= @last GROUP BY transaction_id HAVING SUM(amount_fen) <> 0 ORDER BY transaction_id",
            r => (r.GetInt64(0), r.GetInt64(1)),
            range);
        return new LedgerRange(postings, cardFloat, unbalanced, null);
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for every card with a card-float posting in the range of <paramref name="ledger"/>
    /// (after <paramref name="from"/> up to <paramref name="last"/>), once each, in ASN order. The default finds them in SQL.
    /// </summary>
    public virtual void VisitTouchedCards(SqlSession session, LedgerRange ledger, long from, long last, Action<TouchedCard> visit) =>
        TouchedCardsInSql(session, from, last, visit);

    /// <summary>The default <see cref="VisitTouchedCards"/>, in SQL on any engine (tests compare an engine's own with it).</summary>
    internal static void TouchedCardsInSql(SqlSession session, long from, long last, Action<TouchedCard> visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        session.ForEach(
            """
            SELECT c.asn, c.shadow_balance_fen, c.tip_kind, c.opening_balance_fen, c.open_gaps,
                   CASE WHEN cp.closed_as IS NULL THEN 0 ELSE 1 END, r.balance_after_fen
            FROM (SELECT DISTINCT sub FROM postings WHERE transaction_id > @from AND transaction_id <= @last AND account = 1) t
            JOIN cards c ON c.asn = t.sub
            LEFT JOIN card_profiles cp ON cp.asn = c.asn
            LEFT JOIN records r ON r.asn = c.asn AND r.counter_kind = c.tip_kind AND r.counter = c.tip_counter AND r.outcome = 1
            ORDER BY c.asn
            """,
            r => visit(new TouchedCard(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5) == 1, r.IsDBNull(6) ? null : r.GetInt64(6))),
            ("@from", from),
            ("@last", last));
    }

    public virtual IReadOnlyDictionary<Asn, CardAccount> LoadCards(SqlSession session, IReadOnlyCollection<Asn> asns)
    {
        var cards = new Dictionary<Asn, CardAccount>(asns.Count);
        using var command = session.Prepare($"SELECT {SqlSession.CardColumns} FROM cards WHERE asn = @asn", "@asn");
        foreach (var asn in asns)
        {
            command.Parameters[0].Value = SqlSession.AsnValue(asn);
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                cards[asn] = SqlSession.ReadCard(reader);
            }
        }

        return cards;
    }

    public virtual IReadOnlyList<PriorRecord> FindPriorRecords(SqlSession session, IReadOnlyCollection<RecordKey> keys)
    {
        var found = new List<PriorRecord>();
        using var command = session.Prepare("SELECT outcome, raw FROM records WHERE asn = @asn AND counter_kind = @kind AND counter = @counter AND outcome = 1 UNION ALL SELECT outcome, raw FROM records WHERE asn = @asn AND counter_kind = @kind AND counter = @counter AND outcome <> 1", "@asn", "@kind", "@counter");
        foreach (var key in keys)
        {
            command.Parameters[0].Value = SqlSession.AsnValue(key.Asn);
            command.Parameters[1].Value = (long)key.Kind;
            command.Parameters[2].Value = key.Counter;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                found.Add(new PriorRecord(key, (Clearing.Outcomes.RecordOutcome)reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
            }
        }

        return found;
    }

    public virtual void InsertRecords(SqlSession session, long batchId, IReadOnlyList<ClearedRecord> records)
    {
        var names = SqlSession.RecordColumns.Split(", ").Select(c => "@" + c).ToArray();
        using var command = session.Prepare($"INSERT INTO records ({SqlSession.RecordColumns}) VALUES ({string.Join(", ", names)})", names);
        foreach (var record in records)
        {
            var values = SqlSession.RecordValues(batchId, record);
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }

            command.ExecuteNonQuery();
        }
    }

    public virtual void InsertPostings(SqlSession session, long transactionId, IReadOnlyList<Clearing.Ledger.Posting> postings)
    {
        using var command = PreparePosting(session);
        var line = 0L;
        foreach (var posting in postings)
        {
            InsertPosting(command, transactionId, ++line, posting);
        }
    }

    // One posting line through a command from PreparePosting.
    private static DbCommand PreparePosting(SqlSession session) =>
        session.Prepare("INSERT INTO postings (transaction_id, line, account, sub, amount_fen) VALUES (@id, @line, @account, @sub, @amount)", "@id", "@line", "@account", "@sub", "@amount");

    private static void InsertPosting(DbCommand command, long transactionId, long line, Clearing.Ledger.Posting posting)
    {
        command.Parameters[0].Value = transactionId;
        command.Parameters[1].Value = line;
        command.Parameters[2].Value = (long)posting.Account.Kind;
        command.Parameters[3].Value = posting.Account.Sub;
        command.Parameters[4].Value = posting.AmountFen;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Inserts new cards and their sale transactions (numbered from <paramref name="firstTransactionId"/>, in order) with
    /// their postings: prepared statements executed per row inside the transaction.
    /// </summary>
    public virtual void InsertCardSales(SqlSession session, IReadOnlyList<CardAccount> cards, long firstTransactionId, IReadOnlyList<Clearing.Ledger.LedgerTransaction> sales)
    {
        var columns = SqlSession.CardColumns.Split(", ").Select(c => "@" + c).ToArray();
        using var card = session.Prepare($"INSERT INTO cards ({SqlSession.CardColumns}) VALUES ({string.Join(", ", columns)})", columns);
        using var ledger = session.Prepare("INSERT INTO ledger_transactions (transaction_id, kind, business_date, reference, reverses) VALUES (@id, @kind, @day, @reference, @reverses)", "@id", "@kind", "@day", "@reference", "@reverses");
        using var posting = PreparePosting(session);
        for (var i = 0; i < cards.Count; i++)
        {
            var values = SqlSession.CardValues(cards[i]);
            for (var c = 0; c < values.Length; c++)
            {
                card.Parameters[c].Value = values[c];
            }

            card.ExecuteNonQuery();
            var sale = sales[i];
            var id = firstTransactionId + i;
            ledger.Parameters[0].Value = id;
            ledger.Parameters[1].Value = (long)sale.Kind;
            ledger.Parameters[2].Value = SqlSession.Day(sale.BusinessDate);
            ledger.Parameters[3].Value = sale.Reference;
            ledger.Parameters[4].Value = sale.Reverses is { } reversed ? reversed : DBNull.Value;
            ledger.ExecuteNonQuery();
            var line = 0L;
            foreach (var p in sale.Postings)
            {
                InsertPosting(posting, id, ++line, p);
            }
        }
    }

    public virtual void UpdateCards(SqlSession session, IReadOnlyList<CardAccount> cards)
    {
        var columns = SqlSession.CardColumns.Split(", ");
        var assignments = string.Join(", ", columns.Skip(1).Select(c => $"{c} = @{c}"));
        using var command = session.Prepare($"UPDATE cards SET {assignments} WHERE asn = @asn", columns.Select(c => "@" + c).ToArray());
        foreach (var card in cards)
        {
            var values = SqlSession.CardValues(card);
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }

            command.ExecuteNonQuery();
        }
    }
}
