using System.CommandLine;
using System.Text.Json.Nodes;
using CityCard.Security;
using CityCard.Security.Ep;
using CityCard.Security.Macs;
using CityCard.Security.Primitives;

namespace CityCard.Cli.Commands;

/// <summary><c>citycard crypto …</c>: compute diversified keys, MACs and transaction MACs by hand.</summary>
internal static class CryptoCommands
{
    public static Command Build(CliContext context)
    {
        var crypto = new Command("crypto", "Compute keys and MACs by hand, to check a terminal, a card or a record.");
        crypto.Subcommands.Add(Div(context));
        crypto.Subcommands.Add(Mac(context));
        crypto.Subcommands.Add(Purchase(context));
        crypto.Subcommands.Add(Load(context));
        return crypto;
    }

    private static Command Div(CliContext context)
    {
        var key = Options.Required("--key", "master key, 32 hex digits");
        var factor = new Option<string[]>("--factor")
        {
            Description = "diversification factor, 16 hex digits; give it twice for two levels (high level first)",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var alg = Options.Optional("--alg", "des (default) or sm4");
        return new Command("div", "Diversify a key: Div(MK, F) = E(MK, F) ‖ E(MK, ~F) (3DES) or SM4(MK, F ‖ ~F).")
            .With(key, factor, alg)
            .Does(parse =>
            {
                var algorithm = EpAlgorithms.Parse(parse.GetValue(alg) ?? "des", "--alg");
                var derived = EpKey.Create(algorithm, Hex.Parse(parse.GetValue(key), "--key", EpKey.Length));
                var factors = parse.GetValue(factor)!;
                if (factors.Length > 2)
                {
                    throw new UsageException($"--factor: at most two levels, got {factors.Length} factors");
                }

                foreach (var text in factors)
                {
                    derived = derived.Diversify(Hex.Parse(text, "--factor", 8));
                }

                context.Out.WriteLine(Hex.Format(derived.ExportBytes()));
                return ExitCodes.Ok;
            });
    }

    private static Command Mac(CliContext context)
    {
        var key = Options.Required("--key", "MAC key: 16 hex digits (des), 32 (retail, sm4)");
        var data = Options.Required("--data", "message, hex (may be empty: \"\")");
        var kind = Options.Optional("--kind", "des (ISO 9797-1 alg. 1, default), retail (alg. 3) or sm4 (CityCard SM4 profile)");
        var iv = Options.Optional("--iv", "initial vector, 16 hex digits (des, retail; default zero)");
        return new Command("mac", "Compute a 4-byte MAC with 80-padding: MAC_DES, MAC_RETAIL or MAC_SM4.")
            .With(key, data, kind, iv)
            .Does(parse =>
            {
                var message = Hex.Parse(parse.GetValue(data), "--data");
                var ivText = parse.GetValue(iv);
                var kindText = parse.GetValue(kind) ?? "des";
                uint mac;
                switch (kindText.ToUpperInvariant())
                {
                    case "DES":
                    {
                        var cipher = new DesCipher(Hex.Parse(parse.GetValue(key), "--key", 8));
                        var last = new byte[8];
                        IsoMac.CbcDesLastBlock(cipher, ivText is null ? default : Hex.Parse(ivText, "--iv", 8), message, last);
                        mac = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(last);
                        break;
                    }

                    case "RETAIL":
                        mac = IsoMac.MacRetail(Hex.Parse(parse.GetValue(key), "--key", 16), ivText is null ? new byte[8] : Hex.Parse(ivText, "--iv", 8), message);
                        break;
                    case "SM4":
                        if (ivText is not null)
                        {
                            throw new UsageException("--iv: the SM4 profile MAC always starts from a zero IV");
                        }

                        mac = IsoMac.MacSm4(new Sm4Cipher(Hex.Parse(parse.GetValue(key), "--key", 16)), message);
                        break;
                    default:
                        throw new UsageException($"--kind: '{kindText}' is not a MAC kind (expected des, retail or sm4)");
                }

                context.Out.WriteLine(Hex.Format(mac));
                return ExitCodes.Ok;
            });
    }

    private static Command Purchase(CliContext context)
    {
        var dpk = Options.Required("--dpk", "the card's purchase key DPK, 32 hex digits");
        var dtk = Options.Required("--dtk", "the card's TAC key DTK, 32 hex digits");
        var random = Options.Required("--random", "card random from INIT FOR PURCHASE, 8 hex digits");
        var counter = Options.Required("--counter", "offline counter from INIT FOR PURCHASE, 0..65535");
        var ttsn = Options.Required("--ttsn", "terminal transaction serial, 8 hex digits");
        var amount = Options.Required("--amount", "amount in fen, 0..4294967295");
        var type = Options.Required("--type", "transaction type: 06 (purchase) or 09 (composite purchase)");
        var terminal = Options.Required("--terminal", "terminal number, 12 hex digits");
        var dateTime = Options.Required("--datetime", "transaction date-time YYYYMMDDhhmmss");
        var alg = Options.Optional("--alg", "des (default) or sm4");
        return new Command("purchase", "Purchase session key, MAC1, MAC2 and TAC (types 06 and 09) as JSON.")
            .With(dpk, dtk, random, counter, ttsn, amount, type, terminal, dateTime, alg)
            .Does(parse =>
            {
                var algorithm = EpAlgorithms.Parse(parse.GetValue(alg) ?? "des", "--alg");
                var purchaseKey = EpKey.Create(algorithm, Hex.Parse(parse.GetValue(dpk), "--dpk", EpKey.Length));
                var tacKey = EpKey.Create(algorithm, Hex.Parse(parse.GetValue(dtk), "--dtk", EpKey.Length)).TacKey();
                var rnd = Arguments.HexUInt32(parse.GetValue(random), "--random");
                var ctr = Arguments.Counter(parse.GetValue(counter), "--counter");
                var serial = Arguments.HexUInt32(parse.GetValue(ttsn), "--ttsn");
                var fen = Arguments.AmountFen(parse.GetValue(amount), "--amount");
                var typeByte = Arguments.HexByte(parse.GetValue(type), "--type");
                if (!TransactionType.IsPurchase(typeByte))
                {
                    throw new UsageException($"--type: {typeByte:X2} is not a purchase type (expected 06 or 09)");
                }

                var tid = TerminalId.Parse(parse.GetValue(terminal), "--terminal");
                var when = BcdDateTime.Parse(parse.GetValue(dateTime), "--datetime");
                var session = EpMacs.PurchaseSessionKey(purchaseKey, rnd, ctr, serial);
                var json = new JsonObject
                {
                    ["sessionKey"] = Hex.Format(session.ExportBytes()),
                    ["mac1"] = Hex.Format(EpMacs.PurchaseMac1(session, fen, typeByte, tid, when)),
                    ["mac2"] = Hex.Format(EpMacs.PurchaseMac2(session, fen)),
                    ["tac"] = Hex.Format(EpMacs.PurchaseTac(tacKey, fen, typeByte, tid, serial, when)),
                };
                context.Out.WriteLine(json.ToJsonString());
                return ExitCodes.Ok;
            });
    }

    private static Command Load(CliContext context)
    {
        var dlk = Options.Required("--dlk", "the card's load key DLK, 32 hex digits");
        var dtk = Options.Required("--dtk", "the card's TAC key DTK, 32 hex digits");
        var random = Options.Required("--random", "card random from INIT FOR LOAD, 8 hex digits");
        var counter = Options.Required("--counter", "online counter from INIT FOR LOAD (before the load), 0..65535");
        var balance = Options.Required("--balance", "balance before the load in fen, 0..4294967295");
        var amount = Options.Required("--amount", "amount in fen, 0..4294967295");
        var terminal = Options.Required("--terminal", "terminal number, 12 hex digits");
        var dateTime = Options.Required("--datetime", "host date-time YYYYMMDDhhmmss");
        var alg = Options.Optional("--alg", "des (default) or sm4");
        return new Command("load", "Load session key, MAC1, MAC2 and TAC (type 02; TAC over the balance after the load) as JSON.")
            .With(dlk, dtk, random, counter, balance, amount, terminal, dateTime, alg)
            .Does(parse =>
            {
                var algorithm = EpAlgorithms.Parse(parse.GetValue(alg) ?? "des", "--alg");
                var loadKey = EpKey.Create(algorithm, Hex.Parse(parse.GetValue(dlk), "--dlk", EpKey.Length));
                var tacKey = EpKey.Create(algorithm, Hex.Parse(parse.GetValue(dtk), "--dtk", EpKey.Length)).TacKey();
                var rnd = Arguments.HexUInt32(parse.GetValue(random), "--random");
                var ctr = Arguments.Counter(parse.GetValue(counter), "--counter");
                var before = Arguments.AmountFen(parse.GetValue(balance), "--balance");
                var fen = Arguments.AmountFen(parse.GetValue(amount), "--amount");
                if ((ulong)before + fen > uint.MaxValue)
                {
                    throw new UsageException($"--amount: {fen} on top of --balance {before} exceeds the card's 4-byte balance");
                }

                var tid = TerminalId.Parse(parse.GetValue(terminal), "--terminal");
                var when = BcdDateTime.Parse(parse.GetValue(dateTime), "--datetime");
                var session = EpMacs.LoadSessionKey(loadKey, rnd, ctr);
                var json = new JsonObject
                {
                    ["sessionKey"] = Hex.Format(session.ExportBytes()),
                    ["mac1"] = Hex.Format(EpMacs.LoadMac1(session, before, fen, TransactionType.Load, tid)),
                    ["mac2"] = Hex.Format(EpMacs.LoadMac2(session, fen, TransactionType.Load, tid, when)),
                    ["tac"] = Hex.Format(EpMacs.LoadTac(tacKey, before + fen, ctr, fen, TransactionType.Load, tid, when)),
                };
                context.Out.WriteLine(json.ToJsonString());
                return ExitCodes.Ok;
            });
    }
}
