using CityCard.Clearing.Tests.Support;
using CityCard.Security.Ep;
using CityCard.Storage.Sql;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Settlement;

/// <summary>
/// The settlement audit's reads of the ledger since the last checkpoint: each engine's own (SQLite reads the range once by
/// native calls) against the same reads in plain SQL, over a ledger with the irregularities the audit exists to catch.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class SettlementLedgerReadTests(PostgresServer server)
{
    public static TheoryData<string> Engines => TestDatabase.Engines;

    [Theory]
    [MemberData(nameof(Engines))]
    public void LedgerRangeAndTouchedCards_EngineReadsEqualTheSqlReads_OverAnIrregularLedger(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var old = world.SellCard(5_000);
        world.Ingest(BusDevice, 1, old.Purchase(200, BusTerminal, BusCompany, At(8)));
        world.SettleAfterDay(Today);
        var from = world.Database.ScalarRaw("SELECT audited_transaction FROM settlements");

        // The next day: a card tapped twice, one sold and never used, one whose profile is closed.
        var busy = world.SellCard(3_000);
        world.Ingest(BusDevice, 2, busy.Purchase(100, BusTerminal, BusCompany, At(9)), busy.Purchase(150, BusTerminal, BusCompany, At(10)));
        var idle = world.SellCard(1_000);
        var closed = world.SellCard(700);
        world.Database.ExecuteRaw($"INSERT INTO card_profiles (asn, product, valid_until, closed_as) VALUES ({Raw(closed.Asn)}, 'standard', 0, 'refunded')");
        var first = world.Database.ScalarRaw($"SELECT MIN(transaction_id) FROM ledger_transactions WHERE transaction_id > {from}");
        var last = world.Database.ScalarRaw("SELECT MAX(transaction_id) FROM ledger_transactions");
        // Stored after later transactions, and between each other: the range's first transaction gets two card-float lines
        // for the card of the settled day that cancel out (it still balances, though its lines are apart); its last one a
        // line for an ASN that is no card (negative as stored), so it no longer balances; and the checkpoint's own
        // transaction one that is not the range's.
        world.Database.ExecuteRaw($"INSERT INTO postings (transaction_id, line, account, sub, amount_fen) VALUES ({first}, 99, 1, {Raw(old.Asn)}, -7)");
        world.Database.ExecuteRaw($"INSERT INTO postings (transaction_id, line, account, sub, amount_fen) VALUES ({last}, 98, 1, -5, 3)");
        world.Database.ExecuteRaw($"INSERT INTO postings (transaction_id, line, account, sub, amount_fen) VALUES ({first}, 97, 1, {Raw(old.Asn)}, 7)");
        world.Database.ExecuteRaw($"INSERT INTO postings (transaction_id, line, account, sub, amount_fen) VALUES ({from}, 96, 1, 123, 11)");

        var (own, sql, ownCards, sqlCards, distinct) = world.Database.Store.Write(w =>
        {
            var session = (SqlSession)w;
            var own = session.Dialect.ReadLedgerRange(session, from, last);
            var sql = SqlDialect.LedgerRangeInSql(session, from, last);
            var ownCards = new List<TouchedCard>();
            session.Dialect.VisitTouchedCards(session, own, from, last, ownCards.Add);
            var sqlCards = new List<TouchedCard>();
            SqlDialect.TouchedCardsInSql(session, from, last, sqlCards.Add);
            var distinct = session.Query(
                "SELECT DISTINCT sub FROM postings WHERE transaction_id > @from AND transaction_id <= @last AND account = 1 ORDER BY sub",
                r => r.GetInt64(0),
                ("@from", from),
                ("@last", last));
            return (own, sql, ownCards, sqlCards, distinct);
        });

        var expectedSum = world.Database.ScalarRaw($"SELECT SUM(amount_fen) FROM postings WHERE transaction_id > {from}");
        var expectedFloat = world.Database.ScalarRaw($"SELECT SUM(amount_fen) FROM postings WHERE transaction_id > {from} AND account = 1");
        Assert.True(first < last);
        Assert.Equal((3L, expectedSum, expectedFloat), (own.PostingsFen, sql.PostingsFen, sql.CardFloatPostedFen));
        Assert.Equal((sql.PostingsFen, sql.CardFloatPostedFen), (own.PostingsFen, own.CardFloatPostedFen));
        Assert.Equal([(last, 3L)], own.Unbalanced);
        Assert.Equal(sql.Unbalanced, own.Unbalanced);
        if (own.CardSubs is { } subs)
        {
            Assert.Equal(distinct, subs);
        }

        Assert.Contains(-5L, distinct);
        Assert.DoesNotContain(123L, distinct);
        Assert.Equal(sqlCards, ownCards);
        // The ASN that is no card is not visited; the others are, in ASN order, each once.
        Assert.Equal(new[] { old, busy, idle, closed }.Select(c => Raw(c.Asn)).Order(), ownCards.Select(c => c.Asn));
        var byAsn = ownCards.ToDictionary(c => c.Asn);
        Assert.Equal((0L, 1_000L, (long?)null), (byAsn[Raw(idle.Asn)].TipKind, byAsn[Raw(idle.Asn)].OpeningFen, byAsn[Raw(idle.Asn)].TipBalanceFen));
        Assert.Equal((2_750L, (long?)2_750), (byAsn[Raw(busy.Asn)].ShadowFen, byAsn[Raw(busy.Asn)].TipBalanceFen));
        Assert.True(byAsn[Raw(closed.Asn)].Closed);
        Assert.False(byAsn[Raw(busy.Asn)].Closed);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void LedgerRange_NothingSinceTheCheckpoint_IsEmpty(string engine)
    {
        using var world = new World(TestDatabase.Create(engine, server));
        var card = world.SellCard(5_000);
        world.Ingest(BusDevice, 1, card.Purchase(200, BusTerminal, BusCompany, At(8)));
        var last = world.Database.ScalarRaw("SELECT MAX(transaction_id) FROM ledger_transactions");

        var range = world.Database.Store.Write(w => ((SqlSession)w).Dialect.ReadLedgerRange((SqlSession)w, last, last));

        Assert.Equal((0L, 0L), (range.PostingsFen, range.CardFloatPostedFen));
        Assert.Empty(range.Unbalanced);
        Assert.Empty(range.CardSubs ?? []);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void SettlementInput_RecountOnItsOwnConnectionsWhileTheLedgerIsAudited_SameAsOneAfterTheOther(string engine)
    {
        using var apart = Tampered(engine, recountApartFrom: 1);
        using var together = Tampered(engine, recountApartFrom: long.MaxValue);

        static string Describe(Clearing.Settlement.SettlementInput input) => string.Join(
            "\n",
            [
                input.Audit.ToText(),
                .. input.Statements.Select(s => s.ToString()),
                .. input.Checks.Select(c => c.ToString()),
                input.Checkpoint.ToString(),
            ]);
        var a = apart.Database.Store.Write(w => w.LoadSettlementInput(Today));
        var b = together.Database.Store.Write(w => w.LoadSettlementInput(Today));

        Assert.Equal(Describe(b), Describe(a));
        // Both tamperings are found on the concurrent path: the ledger's and the recount's.
        Assert.False(a.Audit.Invariants.Single(i => i.Number == 1).Ok);
        Assert.Contains(a.Audit.Invariants.Single(i => i.Number == 4).Differences, d => d.StartsWith("batch ", StringComparison.Ordinal));
        Assert.True(a.Checks.Count >= 2);
    }

    // Two batches of one day, with a posting that unbalances a transaction and batch totals that disagree with the records.
    private World Tampered(string engine, long recountApartFrom)
    {
        var world = new World(TestDatabase.Create(engine, server));
        ((SqlClearingStore)world.Database.Store).SettlementParallelFrom = recountApartFrom;
        var card = world.SellCard(5_000);
        world.Ingest(BusDevice, 1, card.Purchase(200, BusTerminal, BusCompany, At(8)), card.Purchase(100, BusTerminal, BusCompany, At(9)));
        world.Ingest(BusDevice, 2, card.Purchase(300, BusTerminal, BusCompany, At(10)));
        world.Database.ExecuteRaw("INSERT INTO postings (transaction_id, line, account, sub, amount_fen) VALUES (1, 99, 7, 0, 5)");
        world.Database.ExecuteRaw("UPDATE batch_totals SET amount_fen = amount_fen + 1 WHERE batch_id = 2");
        return world;
    }

    private static long Raw(Asn asn) => unchecked((long)asn.Value);
}
