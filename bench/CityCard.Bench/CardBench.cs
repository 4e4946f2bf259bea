using CityCard.Cards.Cos;
using CityCard.Cards.Issuance;
using CityCard.Cards.Psam;
using CityCard.Cards.Transactions;
using CityCard.Security.Ep;
using CityCard.Security.Keys;

namespace CityCard.Bench;

/// <summary>
/// Complete purchase exchanges per second on one core (issue 3 §5): terminal ↔ card ↔ PSAM in process, every APDU
/// encoded, parsed and answered — SELECT, READ BINARY EF 0015, INIT FOR PURCHASE, PSAM 8070 (two-level key derivation,
/// MAC1), DEBIT (MAC1 check, atomic commit, TAC, MAC2), PSAM 8072. The TAC-verify rate of the crypto suite is printed
/// beside it for the ratio.
/// </summary>
internal static class CardBench
{
    public static int Run(TextWriter output, double seconds)
    {
        output.WriteLine("| Exchange (one core) | Rate | Per exchange | Target |");
        output.WriteLine("|---|---:|---:|---|");
        foreach (var algorithm in new[] { EpAlgorithm.Des, EpAlgorithm.Sm4 })
        {
            foreach (var capp in new[] { false, true })
            {
                var rate = Purchases(algorithm, capp, seconds);
                output.WriteLine($"| {algorithm.Name().ToUpperInvariant()} {(capp ? "CAPP purchase" : "purchase")} | {Measure.Rate(rate)} | {Measure.Micro(rate)} | < 50 µs |");
            }
        }

        return 0;
    }

    private static double Purchases(EpAlgorithm algorithm, bool capp, double seconds)
    {
        var issuer = CardIssuer.Demo(algorithm);
        var serial = 42L;
        SoftCard Issue() => issuer.Issue(new CardIssueRequest
        {
            Asn = AsnNumbering.Create(DemoKeySet.HomeCity, serial++),
            ValidFrom = new DateOnly(2026, 1, 1),
            ValidUntil = new DateOnly(2030, 12, 31),
        });
        var card = Issue();
        var psam = SoftPsam.Create(new TerminalId(0x000000010001), [issuer.KeySet]);
        var exchange = new PurchaseExchange(psam);
        var when = new BcdDateTime(new DateTime(2026, 11, 25, 8, 0, 0));
        var record = new CappRecordUpdate(1, new byte[48]);
        var loader = new LoadExchange(new IssuerLoadAuthority(issuer.KeySet), new TerminalId(1));
        return Measure.OpsPerSecond(n =>
        {
            // A card makes at most 65,535 offline transactions (a 2-byte counter): a fast machine uses one up in a second
            // or two, so a round that would exhaust it gets a new card.
            if (card.Purse.OfflineCounter + n > ushort.MaxValue)
            {
                card = Issue();
            }

            // Top up outside the measured loop's budget only when needed: 1 fen per purchase.
            if (card.Purse.Balance < n)
            {
                loader.Load(card, 10_000_000);
            }

            long completed = 0;
            for (var i = 0; i < n; i++)
            {
                var result = capp ? exchange.CappPurchase(card, 1, when, record) : exchange.Purchase(card, 1, when);
                completed += result.IsCompleted ? 1 : throw new InvalidOperationException(result.ToString());
            }

            return completed;
        }, 5_000, seconds);
    }
}
