using System.Data;
using System.Data.Common;
using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Verification;
using CityCard.Security.Ep;
using CityCard.Storage.Sql;
using Npgsql;
using NpgsqlTypes;

namespace CityCard.Storage.Postgres;

/// <summary>
/// PostgreSQL: a transaction-scoped advisory lock is the database-wide write lock; reads run at REPEATABLE READ; the
/// hot paths use arrays (<c>= ANY</c>, <c>unnest</c>) for lookups and binary COPY for inserts and card updates.
/// </summary>
internal sealed class PostgresDialect(string connectionString) : SqlDialect, IDisposable
{
    // An arbitrary constant that names the clearing centre's write lock among advisory locks.
    internal const long WriteLockKey = 0x43_43_57_52; // "CCWR"

    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);

    public override DatabaseKind Kind => DatabaseKind.PostgreSql;

    public override string BlobType => "BYTEA";

    public override bool MigratesOnOpen => false;

    public override DbConnection Open() => dataSource.OpenConnection();

    public override DbTransaction BeginWrite(DbConnection connection)
    {
        var transaction = ((NpgsqlConnection)connection).BeginTransaction(IsolationLevel.ReadCommitted);
        using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({WriteLockKey})", (NpgsqlConnection)connection, transaction);
        command.ExecuteNonQuery();
        return transaction;
    }

    public override DbTransaction BeginRead(DbConnection connection) => ((NpgsqlConnection)connection).BeginTransaction(IsolationLevel.RepeatableRead);

    // The write lock is held across the commit: the session-level advisory lock on the same key is taken while the
    // transaction's is held (granted at once, both are this session's), outlives the commit, and is released once the next
    // transaction holds the transaction-level lock again. No other writer can commit in the gap.
    public override bool CommitAndBegin(SqlSession session, Action? between)
    {
        var connection = (NpgsqlConnection)session.Connection;
        using (var hold = new NpgsqlCommand($"SELECT pg_advisory_lock({WriteLockKey})", connection, (NpgsqlTransaction)session.Transaction))
        {
            hold.ExecuteNonQuery();
        }

        try
        {
            base.CommitAndBegin(session, between);
        }
        catch
        {
            TryUnlock(connection);
            throw;
        }

        using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({WriteLockKey})", connection))
        {
            release.ExecuteNonQuery();
        }

        return true;
    }

    // After a failed step the session lock is released if the connection still works (a broken one releases it by closing).
    private static void TryUnlock(NpgsqlConnection connection)
    {
        try
        {
            using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({WriteLockKey})", connection);
            release.ExecuteNonQuery();
        }
        catch (NpgsqlException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    // The settlement's recount groups the records batch after batch (an incremental sort by batch): a batch of 50,000
    // records takes about 7.4 MB to sort, over the default 4 MB of work_mem, so every batch spilled to disk (1.56 s against
    // 0.83 s for 500,000 records). Raised for this transaction only; whatever plan the statistics give, it sorts in memory.
    public override List<RecordLine> RecordLines(SqlSession session, string where, (string Name, object? Value)[] parameters)
    {
        using (var memory = Command(session, "SET LOCAL work_mem = '64MB'"))
        {
            memory.ExecuteNonQuery();
        }

        return base.RecordLines(session, where, parameters);
    }

    public override IReadOnlyDictionary<Asn, CardAccount> LoadCards(SqlSession session, IReadOnlyCollection<Asn> asns)
    {
        using var command = Command(session, $"SELECT {SqlSession.CardColumns} FROM cards WHERE asn = ANY(@asns)");
        command.Parameters.Add(new NpgsqlParameter<long[]>("asns", asns.Select(a => unchecked((long)a.Value)).ToArray()));
        using var reader = command.ExecuteReader();
        var cards = new Dictionary<Asn, CardAccount>(asns.Count);
        while (reader.Read())
        {
            var card = SqlSession.ReadCard(reader);
            cards[card.Asn] = card;
        }

        return cards;
    }

    public override IReadOnlyList<PriorRecord> FindPriorRecords(SqlSession session, IReadOnlyCollection<RecordKey> keys)
    {
        using var command = Command(
            session,
            """
            SELECT r.asn, r.counter_kind, r.counter, r.outcome, r.raw FROM records r
            JOIN unnest(@asns, @kinds, @counters) AS k(asn, kind, counter) ON r.asn = k.asn AND r.counter_kind = k.kind AND r.counter = k.counter
            WHERE r.outcome = 1
            UNION ALL
            SELECT r.asn, r.counter_kind, r.counter, r.outcome, r.raw FROM records r
            JOIN unnest(@asns, @kinds, @counters) AS k(asn, kind, counter) ON r.asn = k.asn AND r.counter_kind = k.kind AND r.counter = k.counter
            WHERE r.outcome <> 1
            """);
        command.Parameters.Add(new NpgsqlParameter<long[]>("asns", keys.Select(k => unchecked((long)k.Asn.Value)).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("kinds", keys.Select(k => (long)k.Kind).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("counters", keys.Select(k => k.Counter).ToArray()));
        using var reader = command.ExecuteReader();
        var found = new List<PriorRecord>();
        while (reader.Read())
        {
            var key = new RecordKey(SqlSession.AsnOf(reader.GetInt64(0)), (CounterKind)reader.GetInt64(1), reader.GetInt64(2));
            found.Add(new PriorRecord(key, (RecordOutcome)reader.GetInt64(3), reader.GetFieldValue<byte[]>(4)));
        }

        return found;
    }

    // Binary COPY written byte by byte into a buffer (BinaryCopyRows): 17 BIGINTs and the record's bytes per row.
    public override void InsertRecords(SqlSession session, long batchId, IReadOnlyList<ClearedRecord> records)
    {
        using var rows = new BinaryCopyRows((NpgsqlConnection)session.Connection, $"COPY records ({SqlSession.RecordColumns}) FROM STDIN (FORMAT BINARY)");
        foreach (var r in records)
        {
            rows.StartRow(18, (17 * 12) + 4 + r.Raw.Length);
            rows.Write(batchId);
            rows.Write(r.Index);
            rows.Write(unchecked((long)r.Key.Asn.Value));
            rows.Write((long)r.Key.Kind);
            rows.Write(r.Key.Counter);
            rows.Write(r.Order.Time);
            rows.Write((long)r.Kind);
            rows.Write((long)r.Reason);
            rows.Write((long)r.Outcome);
            rows.Write(r.AmountFen);
            rows.Write(r.BalanceBeforeFen);
            rows.Write(r.BalanceAfterFen);
            rows.Write((long)r.PartyId);
            rows.Write(r.FullFareFen);
            rows.Write(r.SubsidyFen);
            rows.Write(r.CommissionFen);
            rows.Write((long)r.CommissionBps);
            rows.Write(r.Raw);
        }

        rows.Complete();
    }

    public override void InsertPostings(SqlSession session, long transactionId, IReadOnlyList<Clearing.Ledger.Posting> postings)
    {
        if (postings.Count < 64)
        {
            base.InsertPostings(session, transactionId, postings);
            return;
        }

        using var rows = new BinaryCopyRows((NpgsqlConnection)session.Connection, CopyPostings);
        var line = 0L;
        foreach (var posting in postings)
        {
            WritePosting(rows, transactionId, ++line, posting);
        }

        rows.Complete();
    }

    public override void UpdateCards(SqlSession session, IReadOnlyList<CardAccount> cards)
    {
        if (cards.Count < 64)
        {
            base.UpdateCards(session, cards);
            return;
        }

        var connection = (NpgsqlConnection)session.Connection;
        // Emptied first: a transaction that stores several batches (IngestAll's groups) updates cards more than once, and
        // rows of an earlier update left in the table would be joined again.
        using (var create = Command(session, "CREATE TEMP TABLE IF NOT EXISTS card_updates (LIKE cards) ON COMMIT DELETE ROWS; TRUNCATE card_updates"))
        {
            create.ExecuteNonQuery();
        }

        // In card order, so the updates below visit the primary key and the table's pages in order.
        CopyCards(connection, "card_updates", CardAccount.InStorageOrder(cards));

        // A batch's cards are found one by one through the primary key. A hash or merge join would read every card ever
        // issued for each batch (the whole table, or its whole index), which a planner without statistics of the
        // temporary table picks even with millions of cards: at 2,000,000 cards, 45,000 updates took 2.7 s by a hash
        // join, 1.4 s by a merge join and 0.85 s by this nested loop. The settings last only for this statement.
        var assignments = string.Join(", ", SqlSession.CardColumns.Split(", ").Skip(1).Select(c => $"{c} = u.{c}"));
        using var update = Command(
            session,
            $"SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; UPDATE cards c SET {assignments} FROM card_updates u WHERE c.asn = u.asn; RESET enable_hashjoin; RESET enable_mergejoin");
        update.ExecuteNonQuery();
    }

    // Registering many cards (a migration, a day's sales, the benchmark's 200,000): three binary COPY streams instead of
    // five round trips per card.
    public override void InsertCardSales(SqlSession session, IReadOnlyList<CardAccount> cards, long firstTransactionId, IReadOnlyList<Clearing.Ledger.LedgerTransaction> sales)
    {
        if (cards.Count < 64)
        {
            base.InsertCardSales(session, cards, firstTransactionId, sales);
            return;
        }

        var connection = (NpgsqlConnection)session.Connection;
        CopyCards(connection, "cards", cards);

        using (var writer = connection.BeginBinaryImport("COPY ledger_transactions (transaction_id, kind, business_date, reference, reverses) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < sales.Count; i++)
            {
                writer.StartRow();
                writer.Write(firstTransactionId + i, NpgsqlDbType.Bigint);
                writer.Write((long)sales[i].Kind, NpgsqlDbType.Bigint);
                writer.Write(SqlSession.Day(sales[i].BusinessDate), NpgsqlDbType.Bigint);
                writer.Write(sales[i].Reference, NpgsqlDbType.Text);
                if (sales[i].Reverses is { } reversed)
                {
                    writer.Write(reversed, NpgsqlDbType.Bigint);
                }
                else
                {
                    writer.WriteNull();
                }
            }

            writer.Complete();
        }

        using (var rows = new BinaryCopyRows(connection, CopyPostings))
        {
            for (var i = 0; i < sales.Count; i++)
            {
                var line = 0L;
                foreach (var posting in sales[i].Postings)
                {
                    WritePosting(rows, firstTransactionId + i, ++line, posting);
                }
            }

            rows.Complete();
        }
    }

    public void Dispose() => dataSource.Dispose();

    private const string CopyPostings = "COPY postings (transaction_id, line, account, sub, amount_fen) FROM STDIN (FORMAT BINARY)";

    // A row of CopyPostings: five BIGINTs, the amount in fen.
    private static void WritePosting(BinaryCopyRows rows, long transactionId, long line, Clearing.Ledger.Posting posting)
    {
        rows.StartRow(5, 5 * 12);
        rows.Write(transactionId);
        rows.Write(line);
        rows.Write((long)posting.Account.Kind);
        rows.Write(posting.Account.Sub);
        rows.Write(posting.AmountFen);
    }

    // The card columns of SqlSession.CardColumns, every one a BIGINT or NULL, by binary COPY into a table with them.
    private static void CopyCards(NpgsqlConnection connection, string table, IReadOnlyList<CardAccount> cards)
    {
        using var rows = new BinaryCopyRows(connection, $"COPY {table} ({SqlSession.CardColumns}) FROM STDIN (FORMAT BINARY)");
        foreach (var card in cards)
        {
            var values = SqlSession.CardValues(card);
            rows.StartRow((short)values.Length, values.Length * 12);
            foreach (var value in values)
            {
                switch (value)
                {
                    case long number:
                        rows.Write(number);
                        break;
                    case DBNull:
                        rows.WriteNull();
                        break;
                    default:
                        throw new InvalidOperationException($"card column value of type {value.GetType().Name}: the card COPY writes BIGINT or NULL only");
                }
            }
        }

        rows.Complete();
    }

    private static NpgsqlCommand Command(SqlSession session, string sql) =>
        new(sql, (NpgsqlConnection)session.Connection, (NpgsqlTransaction)session.Transaction);
}
