using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Security.Primitives;

namespace CityCard.Bench;

/// <summary>
/// TAC verification throughput on one core (issue 2 §4): with per-card cached TAC keys, and deriving the card's TAC key
/// from the issuer master key for every record; DES and SM4. The raw block-cipher rate is measured in the same run so the
/// figures can be read as ratios on any machine.
/// </summary>
internal static class CryptoBench
{
    private const int Cards = 1024;

    public static int Run(TextWriter output, double seconds)
    {
        var results = new List<(string Name, double Rate, string Target)>();
        var rawDes = RawDesBlocks(seconds);
        results.Add(("raw single-DES block encryptions", rawDes, string.Empty));
        var rawSm4 = RawSm4Blocks(seconds);
        results.Add(("raw SM4 block encryptions", rawSm4, string.Empty));
        foreach (var algorithm in new[] { EpAlgorithm.Des, EpAlgorithm.Sm4 })
        {
            var name = algorithm.Name().ToUpperInvariant();
            results.Add(($"{name} TAC verify, cached card key", TacVerify(algorithm, Derivation.None, seconds), "≥ 1,000,000/s"));
            results.Add(($"{name} TAC verify, card key derived per record (city key cached)", TacVerify(algorithm, Derivation.CardLevel, seconds), "≥ 300,000/s"));
            results.Add(($"{name} TAC verify, both levels derived per record", TacVerify(algorithm, Derivation.BothLevels, seconds), string.Empty));
        }

        output.WriteLine($"| Operation (one core) | Rate | Per op | vs raw DES block | Target |");
        output.WriteLine($"|---|---:|---:|---:|---|");
        foreach (var (name, rate, target) in results)
        {
            output.WriteLine($"| {name} | {Measure.Rate(rate)} | {Measure.Micro(rate)} | {Measure.Ratio(rate / rawDes)} | {target} |");
        }

        return 0;
    }

    private static double RawDesBlocks(double seconds)
    {
        var cipher = new DesCipher(Convert.FromHexString("0123456789ABCDEF"));
        return Measure.OpsPerSecond(n =>
        {
            Span<byte> block = stackalloc byte[8];
            for (var i = 0; i < n; i++)
            {
                cipher.Encrypt(block, block);
            }

            return block[0];
        }, 200_000, seconds);
    }

    private static double RawSm4Blocks(double seconds)
    {
        var cipher = new Sm4Cipher(Convert.FromHexString("0123456789ABCDEFFEDCBA9876543210"));
        return Measure.OpsPerSecond(n =>
        {
            Span<byte> block = stackalloc byte[16];
            for (var i = 0; i < n; i++)
            {
                cipher.Encrypt(block, block);
            }

            return block[0];
        }, 200_000, seconds);
    }

    private enum Derivation
    {
        None,
        CardLevel,
        BothLevels,
    }

    private static double TacVerify(EpAlgorithm algorithm, Derivation derivation, double seconds)
    {
        var issuer = DemoKeySet.Create(algorithm);
        var masterTac = issuer.Master(KeyRole.Tac);
        var cityFactor = issuer.HomeCity.DiversificationFactor();
        var asns = Enumerable.Range(0, Cards).Select(i => new Asn(0x2144_0000_0000_0000UL + (ulong)i)).ToArray();
        var cityKey = masterTac.Diversify(cityFactor);
        var asnBytes = asns.Select(a => a.ToBytes()).ToArray();
        var cachedTacKeys = asnBytes.Select(a => cityKey.Diversify(a).TacKey()).ToArray();
        var terminal = new TerminalId(0x0000_0001_0001);
        var when = new BcdDateTime(new DateTime(2026, 11, 25, 8, 0, 0));
        var expected = new uint[Cards];
        for (var i = 0; i < Cards; i++)
        {
            expected[i] = EpMacs.PurchaseTac(cachedTacKeys[i], (uint)(100 + i), TransactionType.Purchase, terminal, (uint)i, when);
        }

        return Measure.OpsPerSecond(n =>
        {
            long ok = 0;
            for (var i = 0; i < n; i++)
            {
                var card = i % Cards;
                var tacKey = derivation switch
                {
                    Derivation.None => cachedTacKeys[card],
                    Derivation.CardLevel => cityKey.Diversify(asnBytes[card]).TacKey(),
                    _ => masterTac.Diversify(cityFactor).Diversify(asnBytes[card]).TacKey(),
                };
                if (EpMacs.PurchaseTac(tacKey, (uint)(100 + card), TransactionType.Purchase, terminal, (uint)card, when) == expected[card])
                {
                    ok++;
                }
            }

            return ok == n ? ok : throw new InvalidOperationException("a TAC did not verify");
        }, derivation == Derivation.None ? 200_000 : 20_000, seconds);
    }
}
