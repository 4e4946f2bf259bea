using CityCard.Clearing.Outcomes;
using CityCard.Clearing.Pipeline;
using CityCard.Clearing.Tests.Support;
using CityCard.Records;
using CsCheck;
using static CityCard.Clearing.Tests.Support.World;

namespace CityCard.Clearing.Tests.Pipeline;

/// <summary>
/// Seeded property (CsCheck prints the seed on failure): genuine records cut into batches that arrive in any order, some
/// twice, some records repeated in a later batch — every record is accepted exactly once, the rest are duplicates,
/// every gap is filled, every shadow balance is the card's own, and the audit holds.
/// </summary>
[Collection(DatabaseGroup.Name)]
public sealed class PipelinePropertyTests(PostgresServer server)
{
    [Fact]
    public void Ingest_GenuineRecordsInAnyBatchOrder_EachAcceptedExactlyOnce()
    {
        var scenario = Gen.Select(Gen.Int[1, 4], Gen.Int[1, 25], Gen.Int[1, 12], Gen.Int[0, int.MaxValue], Gen.Int[0, 3]);
        scenario.Sample(
            (cards, perCard, batchSize, shuffleSeed, repeats) => Check(cards, perCard, batchSize, shuffleSeed, repeats),
            iter: 40,
            threads: 1);
    }

    private void Check(int cardCount, int perCard, int batchSize, int shuffleSeed, int repeats)
    {
        using var world = new World(TestDatabase.Create("sqlite", server));
        var cards = Enumerable.Range(0, cardCount).Select(_ => world.SellCard(100_000)).ToList();
        var records = new List<TransactionRecord>();
        for (var i = 0; i < perCard; i++)
        {
            records.AddRange(cards.Select(card => card.Purchase(100 + i, BusTerminal, BusCompany, At(6).AddMinutes(i))));
        }

        var random = new Random(shuffleSeed);
        var batches = records.Chunk(batchSize).Select((chunk, i) => (Number: (uint)(i + 1), Records: chunk)).ToList();
        var uploads = batches.Select(b => world.Batch(BusDevice, b.Number, b.Records)).ToList();

        // Some batches are uploaded twice, and a later batch repeats records of an earlier one (a re-collected journal).
        uploads.AddRange(Enumerable.Range(0, repeats).Select(_ => uploads[random.Next(uploads.Count)]));
        var extra = batches.Count > 1 ? batches[random.Next(batches.Count)].Records.Take(2).ToArray() : [];
        uploads.Add(world.Batch(BusDevice, (uint)batches.Count + 1, extra));
        var order = uploads.OrderBy(_ => random.Next()).ToList();

        var accepted = 0;
        var duplicates = 0;
        foreach (var file in order)
        {
            var result = world.Clearing.Ingest(file);
            Assert.Equal(BatchStatus.Cleared, result.Receipt.Status);
            if (!result.Replayed)
            {
                accepted += result.Receipt.Totals.Accepted;
                duplicates += result.Receipt.Totals.Duplicate;
                Assert.Equal(0, result.Receipt.Totals.Rejected + result.Receipt.Totals.Suspect);
            }
        }

        Assert.Equal(records.Count, accepted);
        Assert.Equal(extra.Length, duplicates);
        foreach (var card in cards)
        {
            var account = world.Card(card);
            Assert.Equal((card.Balance, 0, card.Balance), (account.ShadowBalanceFen, account.OpenGaps, account.ChainBalanceFen));
            Assert.Equal(perCard, world.Database.Store.Read(r => r.CardHistory(card.Asn)).Count(s => s.Record.Outcome == RecordOutcome.Accepted));
        }

        var audit = world.Database.Store.Read(r => r.Audit());
        Assert.True(audit.Ok, audit.ToText());
    }
}
