using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CityCard.Cards.Application;
using CityCard.Cards.Cos;
using CityCard.Cards.Issuance;
using CityCard.Cards.Psam;
using CityCard.Cards.Transactions;
using CityCard.Security;
using CityCard.Security.Ep;

namespace CityCard.Cli.Commands;

/// <summary><c>citycard card …</c> and <c>citycard psam …</c>: software cards and PSAMs as files, and their APDU shells.</summary>
internal static class CardCommands
{
    private static readonly TerminalId IssuerLoadTerminal = new(0x0000_0000_0001);

    public static Command BuildCard(CliContext context)
    {
        var card = new Command("card", "Software city cards: issue, inspect, and drive by APDU like a card in a reader.");
        card.Subcommands.Add(New(context));
        card.Subcommands.Add(Show(context));
        card.Subcommands.Add(Shell(context, isCard: true));
        return card;
    }

    public static Command BuildPsam(CliContext context)
    {
        var psam = new Command("psam", "Software PSAMs (terminal security modules): create, and drive by APDU.");
        psam.Subcommands.Add(NewPsam(context));
        psam.Subcommands.Add(Shell(context, isCard: false));
        return psam;
    }

    private static Command New(CliContext context)
    {
        var output = Options.Required("--out", "the card file to write");
        var asn = Options.Optional("--asn", "card number, 16 decimal digits with its check digit (default: a random serial in the city)");
        var city = Options.Optional("--city", "city code, 4 digits (default: the key set's home city)");
        var type = Options.Optional("--type", "ordinary (default), student, elder, disabled or staff");
        var balance = Options.Optional("--balance", "starting balance in fen, put on the card by a real load transaction (default 0)");
        var overdraft = Options.Optional("--overdraft", "overdraft limit in fen (default 0)");
        var alg = Options.Optional("--alg", "des (default) or sm4");
        var keys = Options.Optional("--keys", "encrypted issuer key-set file (default: the public demo key set)");
        var concessionUntil = Options.Optional("--concession-until", "the concession's annual verification date YYYY-MM-DD written to EF 0019 (default: none — the concession is not date-limited)");
        return new Command("new", "Issue (personalise) a card: keys diversified from the issuer key set, optional starting balance loaded.")
            .With(output, asn, city, type, balance, overdraft, alg, keys, concessionUntil)
            .Does(parse =>
            {
                var algorithm = EpAlgorithms.Parse(parse.GetValue(alg) ?? "des", "--alg");
                var keySet = CardFiles.KeySet(context, parse.GetValue(keys), algorithm);
                var cityCode = parse.GetValue(city) is { } cityText ? CityCode.Parse(cityText, "--city") : keySet.HomeCity;
                var cardType = ParseCardType(parse.GetValue(type));
                var start = Arguments.Integer(parse.GetValue(balance) ?? "0", "--balance", 0, 100_000_000);
                var limit = (int)Arguments.Integer(parse.GetValue(overdraft) ?? "0", "--overdraft", 0, 0xFFFFFF);
                Asn number;
                if (parse.GetValue(asn) is { } asnText)
                {
                    number = Asn.Parse(asnText, "--asn");
                    if (AsnNumbering.Problem(number) is { } problem)
                    {
                        throw new UsageException($"--asn: {problem}");
                    }
                }
                else
                {
                    number = AsnNumbering.Create(cityCode, RandomNumberGenerator.GetInt32(1, int.MaxValue));
                }

                var today = DateOnly.FromDateTime(ChinaTime.Now(TimeProvider.System).Value);
                var issuer = new CardIssuer(keySet);
                var card = issuer.Issue(new CardIssueRequest
                {
                    Asn = number,
                    City = cityCode,
                    CardType = cardType,
                    ValidFrom = today,
                    ValidUntil = today.AddYears(5).AddDays(-1),
                    OverdraftLimit = limit,
                    ConcessionValidUntil = parse.GetValue(concessionUntil) is { } until ? Arguments.Date(until, "--concession-until") : null,
                });
                if (start > 0)
                {
                    var load = new LoadExchange(new IssuerLoadAuthority(keySet), IssuerLoadTerminal).Load(card, (uint)start);
                    if (!load.IsCompleted)
                    {
                        throw new CliFailure($"the starting load failed: {load}");
                    }
                }

                Save(card, parse.GetValue(output)!);
                context.Out.WriteLine($"card {number} ({CardName(cardType)}, {algorithm.Name()}, city {cityCode}) written to {parse.GetValue(output)}; balance {Yuan(card.Purse.Balance)}");
                return ExitCodes.Ok;
            });
    }

    private static Command Show(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "the card file" };
        var json = Options.Flag("--json", "print JSON for scripts");
        var command = new Command("show", "Show a card: number, city, type, validity, balance, counters, blocked, and its transaction records.");
        command.Arguments.Add(file);
        return command.With(json).Does(parse =>
        {
            var path = parse.GetValue(file)!;
            var card = CardFiles.LoadCard(path, "FILE");
            var info = card.PublicInfo;
            var purse = card.Purse;
            if (parse.GetValue(json))
            {
                var records = new JsonArray();
                foreach (var record in card.History)
                {
                    records.Add(new JsonObject
                    {
                        ["counter"] = record.Counter,
                        ["type"] = record.Type.ToString("X2", CultureInfo.InvariantCulture),
                        ["amount"] = record.Amount,
                        ["terminal"] = record.Terminal.ToString(),
                        ["datetime"] = record.DateTime.ToString(),
                    });
                }

                context.Out.WriteLine(new JsonObject
                {
                    ["asn"] = info.Asn.ToString(),
                    ["cityCode"] = info.City.ToString(),
                    ["cardType"] = CardName(info.CardType),
                    ["validFrom"] = info.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["validUntil"] = info.ValidUntil.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["concessionValidUntil"] = card.Concession?.ValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["algorithm"] = card.Algorithm.Name(),
                    ["keyVersion"] = (int)card.KeyVersion,
                    ["balance"] = purse.Balance,
                    ["overdraftLimit"] = purse.OverdraftLimit,
                    ["onlineCounter"] = purse.OnlineCounter,
                    ["offlineCounter"] = purse.OfflineCounter,
                    ["blocked"] = card.IsBlocked,
                    ["records"] = records,
                }.ToJsonString());
                return ExitCodes.Ok;
            }

            var o = context.Out;
            o.WriteLine($"Card        {info.Asn}   city {info.City}   {CardName(info.CardType)}   {card.Algorithm.Name()} keys v{card.KeyVersion}");
            o.WriteLine($"Valid       {info.ValidFrom:yyyy-MM-dd} to {info.ValidUntil:yyyy-MM-dd}{(card.IsBlocked ? "   BLOCKED" : string.Empty)}");
            if (card.Concession?.ValidUntil is { } concession)
            {
                o.WriteLine($"Concession  valid until {concession:yyyy-MM-dd} (annual verification, EF 0019)");
            }

            o.WriteLine($"Balance     {Yuan(purse.Balance)}   overdraft limit {Yuan(purse.OverdraftLimit)}");
            o.WriteLine($"Counters    online {purse.OnlineCounter}   offline {purse.OfflineCounter}");
            o.WriteLine();
            o.WriteLine(" #  counter  type  amount        terminal      date-time");
            var n = 1;
            foreach (var record in card.History)
            {
                var kind = record.Type switch { TransactionType.Load => "load", TransactionType.CappPurchase => "capp", _ => "buy " };
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n++,2}  {record.Counter,7}  {kind}  {Yuan(record.BalanceEffect),-12}  {record.Terminal}  {record.DateTime.Value:yyyy-MM-dd HH:mm:ss}"));
            }

            return ExitCodes.Ok;
        });
    }

    private static Command NewPsam(CliContext context)
    {
        var output = Options.Required("--out", "the PSAM file to write");
        var terminal = Options.Required("--terminal", "terminal number, 12 hex digits");
        var alg = Options.Optional("--alg", "des or sm4: hold only that demo key set's purchase master key (default: both)");
        var keys = Options.Optional("--keys", "encrypted issuer key-set file (default: the public demo key sets)");
        return new Command("new", "Create a PSAM holding the issuer's purchase master key(s) and a terminal number.")
            .With(output, terminal, alg, keys)
            .Does(parse =>
            {
                var id = TerminalId.Parse(parse.GetValue(terminal), "--terminal");
                var algText = parse.GetValue(alg);
                var keySets = parse.GetValue(keys) is { } file
                    ? [KeysCommands.LoadKeySet(context, file)]
                    : algText is null
                        ? new[] { Security.Keys.DemoKeySet.Create(EpAlgorithm.Des), Security.Keys.DemoKeySet.Create(EpAlgorithm.Sm4) }
                        : [Security.Keys.DemoKeySet.Create(EpAlgorithms.Parse(algText, "--alg"))];
                var psam = SoftPsam.Create(id, keySets);
                var path = parse.GetValue(output)!;
                try
                {
                    psam.Save(path);
                }
                catch (IOException e)
                {
                    throw new CliFailure($"--out {path}: cannot write ({e.Message})", e);
                }

                context.Out.WriteLine($"PSAM {id} written to {path} ({string.Join(", ", keySets.Select(k => $"{k.Algorithm.Name()} v{k.KeyVersion}"))})");
                return ExitCodes.Ok;
            });
    }

    private static Command Shell(CliContext context, bool isCard)
    {
        var file = new Argument<string>("FILE") { Description = isCard ? "the card file" : "the PSAM file" };
        var command = new Command("shell", "Read one command APDU per line (hex, spaces allowed) on standard input; answer data ‖ SW1SW2 in hex per line; save at end of input.");
        command.Arguments.Add(file);
        return command.Does(parse =>
        {
            var path = parse.GetValue(file)!;
            Cards.Apdu.IApduChannel channel = isCard ? CardFiles.LoadCard(path, "FILE") : CardFiles.LoadPsam(path, "FILE");
            var lineNumber = 0;
            while (context.In.ReadLine() is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                byte[] apdu;
                try
                {
                    apdu = Hex.Parse(line.Trim(), $"line {lineNumber}");
                }
                catch (ArgumentException e)
                {
                    context.Error.WriteLine($"error: {e.Message.Split(" (Parameter", 2)[0]}");
                    continue;
                }

                if (apdu.Length < 4)
                {
                    context.Error.WriteLine($"error: line {lineNumber}: a command APDU has at least 4 bytes (CLA INS P1 P2), got {apdu.Length}");
                    continue;
                }

                context.Out.WriteLine(Hex.Format(channel.Transmit(apdu)));
            }

            if (channel is SoftCard card)
            {
                Save(card, path);
            }
            else
            {
                ((SoftPsam)channel).Save(path);
            }

            return ExitCodes.Ok;
        });
    }

    public static CardType ParseCardType(string? text) => (text ?? "ordinary").ToUpperInvariant() switch
    {
        "ORDINARY" => CardType.Ordinary,
        "STUDENT" => CardType.Student,
        "ELDER" => CardType.Elder,
        "DISABLED" => CardType.Disabled,
        "STAFF" => CardType.Staff,
        _ => throw new UsageException($"--type: '{text}' is not a card type (ordinary, student, elder, disabled, staff)"),
    };

    public static string CardName(CardType type) => Terminals.Common.CardNames.Of(type);

    public static string Yuan(long fen) => Terminals.Common.PurchaseTerminal.Yuan(fen);

    public static void Save(SoftCard card, string path)
    {
        try
        {
            card.Save(path);
        }
        catch (IOException e)
        {
            throw new CliFailure($"{path}: cannot write the card ({e.Message})", e);
        }
    }
}
