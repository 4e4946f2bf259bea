using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security;
using CityCard.Security.Ep;

namespace CityCard.Cli.Commands;

/// <summary><c>citycard batch …</c>: inspect and verify batch files (docs/batch-format.md).</summary>
internal static class BatchCommands
{
    public static Command Build(CliContext context)
    {
        var batch = new Command("batch", "Inspect and verify terminal batch files (format v1).");
        batch.Subcommands.Add(Dump(context));
        batch.Subcommands.Add(Verify(context));
        return batch;
    }

    /// <summary>One record as the JSON object of <c>batch dump --json</c>.</summary>
    public static JsonObject ToJson(TransactionRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var json = new JsonObject
        {
            ["kind"] = r.Kind switch
            {
                RecordKind.Purchase => "purchase",
                RecordKind.CappPurchase => "capp",
                RecordKind.Load => "load",
                _ => "access",
            },
            ["cityCode"] = r.CityCode.ToString(),
            ["asn"] = r.Asn.ToString(),
            ["cardType"] = (int)r.CardType,
            ["counter"] = (int)r.Counter,
            ["balanceBefore"] = r.BalanceBeforeFen,
            ["amount"] = r.AmountFen,
            ["type"] = r.TransactionType.ToString("X2", CultureInfo.InvariantCulture),
            ["terminal"] = r.Terminal.ToString(),
            ["ttsn"] = Hex.Format(r.Ttsn),
            ["datetime"] = r.DateTime.ToString(),
            ["keyVersion"] = (int)r.KeyVersion,
            ["algorithm"] = r.Algorithm.Name(),
            ["tac"] = Hex.Format(r.Tac),
            ["fullFare"] = r.FullFareFen,
            ["discount"] = r.Discount.ToString().ToLowerInvariant(),
            ["merchant"] = r.MerchantId,
            ["line"] = (int)r.Line,
            ["stop"] = (int)r.Stop,
            ["exitStop"] = (int)r.ExitStop,
            ["deviceSequence"] = r.DeviceSequence,
            ["blacklistVersion"] = r.BlacklistVersion,
            ["extra1"] = r.Extra1,
            ["extra2"] = r.Extra2,
            ["recovered"] = r.Marks.HasFlag(RecordMarks.RecoveredByProve),
        };
        if (r.Kind == RecordKind.Access)
        {
            json["allowed"] = r.Marks.HasFlag(RecordMarks.AccessAllowed);
        }

        return json;
    }

    private static Command Dump(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "the batch file" };
        var json = Options.Flag("--json", "one JSON object per record per line (for scripts)");
        var command = new Command("dump", "Print a batch file's header, records and trailer (structure checked; the file MAC is checked by 'batch verify').");
        command.Arguments.Add(file);
        return command.With(json).Does(parse =>
        {
            var path = parse.GetValue(file)!;
            var batch = Decode(path, BatchFileReader.Read(path), null);
            if (parse.GetValue(json))
            {
                foreach (var record in batch.Records)
                {
                    context.Out.WriteLine(ToJson(record).ToJsonString());
                }

                return ExitCodes.Ok;
            }

            var h = batch.Header;
            var o = context.Out;
            o.WriteLine($"Batch {h.BatchNumber} of device {h.DeviceId} ({h.DeviceKind}), PSAM {h.PsamTerminal}, operator {h.OperatorId}, parameters v{h.ParameterVersion}, closed {h.CreatedUtc:yyyy-MM-dd HH:mm:ss}Z");
            o.WriteLine(" seq  kind      card              type ctr    before    amount  terminal      ttsn      date-time       tac");
            foreach (var r in batch.Records)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.DeviceSequence,4}  {r.Kind,-9} {r.Asn}  {r.CardType,4} {r.Counter,5} {r.BalanceBeforeFen,9} {r.AmountFen,9}  {r.Terminal}  {r.Ttsn:X8}  {r.DateTime}  {r.Tac:X8}"));
            }

            o.WriteLine($"Trailer: {batch.Records.Count} records, amount sum {batch.AmountSumFen} fen");
            return ExitCodes.Ok;
        });
    }

    private static Command Verify(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "the batch file" };
        var keys = Options.Optional("--keys", "encrypted issuer key-set file (default: the public demo key set)");
        var command = new Command("verify", "Check a batch file's format, totals and file MAC (the device's upload key from the issuer's terminal master key); exit 1 with the reason when it is not sound.");
        command.Arguments.Add(file);
        return command.With(keys).Does(parse =>
        {
            var path = parse.GetValue(file)!;

            // Read once: a pipe (<(cat FILE)) gives its bytes only once.
            var bytes = BatchFileReader.Read(path);
            var header = Decode(path, bytes, null).Header;
            var keySet = CardFiles.KeySet(context, parse.GetValue(keys), EpAlgorithm.Des);
            var batch = Decode(path, bytes, UploadKeys.Derive(keySet, header.DeviceId));
            context.Out.WriteLine($"{path}: sound — batch {batch.Header.BatchNumber} of device {batch.Header.DeviceId}, {batch.Records.Count} records, {batch.AmountSumFen} fen, file MAC verified");
            return ExitCodes.Ok;
        });
    }

    private static BatchFile Decode(string path, byte[] bytes, byte[]? uploadKey)
    {
        try
        {
            return uploadKey is null ? BatchCodec.ReadUnverified(bytes) : BatchCodec.Read(bytes, uploadKey);
        }
        catch (BatchFormatException e)
        {
            throw new CliFailure($"{path}: {e.Message}", e);
        }
    }
}
