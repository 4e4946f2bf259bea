using System.Text.Json;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using Microsoft.Data.Sqlite;

namespace CityCard.Cli.Tests;

/// <summary><c>citycard db / centre / clear / settle / audit</c> on a SQLite file, with batch files signed by the real crypto.</summary>
public sealed class ClearingCommandTests : IDisposable
{
    private static readonly TerminalId BusTerminal = new(0x0000_0001_0001);
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-cli-clearing-").FullName;
    private readonly string db;

    public ClearingCommandTests() => db = "sqlite:" + Path.Combine(directory, "centre.db");

    private static readonly int[] TwoThenRefused = [200, 200, 429];
    private static readonly int[] ThreeThenRefused = [200, 200, 200, 429];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void ClearSettleAudit_AFullDay_WorksAndIsIdempotent()
    {
        Register();
        var inbox = Directory.CreateDirectory(Path.Combine(directory, "inbox")).FullName;
        File.WriteAllBytes(Path.Combine(inbox, "42-1.ccb"), Batch(1, Purchase(0, 5_000, 200, 8), Purchase(1, 4_800, 150, 9)));

        var cleared = Run("clear", "--db", db, inbox);
        Assert.Equal(0, cleared.ExitCode);
        Assert.Contains("device 42 batch 1 cleared: accepted 2 (350 fen), duplicate 0 (0 fen), rejected 0 (0 fen), suspect 0 (0 fen)", cleared.Out, StringComparison.Ordinal);

        var again = Run("clear", "--db", db, "--json", Path.Combine(inbox, "42-1.ccb"));
        Assert.Equal(0, again.ExitCode);
        var receipt = JsonDocument.Parse(again.Out).RootElement;
        Assert.True(receipt.GetProperty("replayed").GetBoolean());
        Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());

        var show = Run("centre", "card", "show", "--db", db, "--asn", "2144000000000001");
        Assert.Contains("shadow balance 4650 fen", show.Out, StringComparison.Ordinal);

        var output = Path.Combine(directory, "out");
        var settled = Run("settle", "--db", db, "--date", "2026-11-20", "--out", output);
        Assert.Equal(0, settled.ExitCode);
        Assert.Contains("reconciliation: no differences", settled.Out, StringComparison.Ordinal);
        var csv = File.ReadAllText(Path.Combine(output, "settlement-2026-11-20.csv"));
        Assert.Contains("2026-11-20,merchant,9,City Bus,transport,300,2,350,0,0,350,11,339,0,0", csv, StringComparison.Ordinal);
        var resettled = Run("settle", "--db", db, "--date", "2026-11-20", "--out", output);
        Assert.Contains("already settled", resettled.Out, StringComparison.Ordinal);
        Assert.Equal(csv, File.ReadAllText(Path.Combine(output, "settlement-2026-11-20.csv")));

        var audit = Run("audit", "--db", db, "--json");
        Assert.Equal(0, audit.ExitCode);
        var invariants = JsonDocument.Parse(audit.Out).RootElement.GetProperty("invariants");
        Assert.Equal(8, invariants.GetArrayLength());
        Assert.All(invariants.EnumerateArray(), i => Assert.True(i.GetProperty("ok").GetBoolean()));
    }

    // A reconciliation difference refuses the settlement: exit 1 naming the difference, no file, nothing stored, and the
    // same command settles the day once the cause is put right.
    [Fact]
    public void Settle_ReconciliationDifference_RefusedWithoutAFileThenSettlesOnceRepaired()
    {
        Register();
        var inbox = Directory.CreateDirectory(Path.Combine(directory, "inbox")).FullName;
        File.WriteAllBytes(Path.Combine(inbox, "42-1.ccb"), Batch(1, Purchase(0, 5_000, 200, 8)));
        Assert.Equal(0, Run("clear", "--db", db, inbox).ExitCode);
        var output = Path.Combine(directory, "out");
        Sql("UPDATE batch_totals SET amount_fen = amount_fen + 7");

        var refused = Run("settle", "--db", db, "--date", "2026-11-20", "--out", output);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("settlement 2026-11-20 REFUSED: the reconciliation found", refused.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was settled, posted or paid", refused.Error, StringComparison.Ordinal);
        Assert.Contains("invariant 4", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, "settlement-2026-11-20.csv")));

        Sql("UPDATE batch_totals SET amount_fen = amount_fen - 7");
        var settled = Run("settle", "--db", db, "--date", "2026-11-20", "--out", output);

        Assert.Equal(0, settled.ExitCode);
        Assert.DoesNotContain("already settled", settled.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "settlement-2026-11-20.csv")));
    }

    [Fact]
    public void Settle_DayNotEndedOrOutNotWritable_ExitOneAndNothingSettled()
    {
        Register();
        var blocker = Path.Combine(directory, "a-file");
        File.WriteAllText(blocker, "not a folder");

        var future = Run("settle", "--db", db, "--date", "2099-12-31", "--out", Path.Combine(directory, "out"));
        var badOut = Run("settle", "--db", db, "--date", "2026-11-20", "--out", blocker);

        Assert.Equal(1, future.ExitCode);
        Assert.Contains("settle 2099-12-31: that business day has not ended", future.Error, StringComparison.Ordinal);
        Assert.Equal(1, badOut.ExitCode);
        Assert.Contains($"--out {blocker}: cannot write a file there", badOut.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was settled", badOut.Error, StringComparison.Ordinal);
        // Neither left a settled day behind: the 20th still settles, for the first time.
        var settled = Run("settle", "--db", db, "--date", "2026-11-20", "--out", Path.Combine(directory, "out"));
        Assert.Equal(0, settled.ExitCode);
        Assert.DoesNotContain("already settled", settled.Out, StringComparison.Ordinal);
    }

    private void Sql(string statement)
    {
        using var connection = new SqliteConnection("Data Source=" + db["sqlite:".Length..]);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = statement;
        command.ExecuteNonQuery();
    }

    [Fact]
    public void Clear_TerminalFolder_TakesOnlyItsBatchFiles()
    {
        Register();
        var terminal = Directory.CreateDirectory(Path.Combine(directory, "terminals", "42")).FullName;
        var outbox = Directory.CreateDirectory(Path.Combine(terminal, "outbox")).FullName;
        File.WriteAllText(Path.Combine(terminal, "terminal.json"), "{\"uploadKey\": \"00112233445566778899AABBCCDDEEFF\"}");
        File.WriteAllText(Path.Combine(terminal, "journal.log"), "journal");
        File.WriteAllText(Path.Combine(terminal, "terminal.lock"), string.Empty);
        File.WriteAllBytes(Path.Combine(outbox, "batch-0000000042-00000001.ccb"), Batch(1, Purchase(0, 5_000, 200, 8)));

        var cleared = Run("clear", "--db", db, Path.Combine(directory, "terminals"));

        Assert.Equal(0, cleared.ExitCode);
        Assert.Single(cleared.Out.TrimEnd().Split('\n'));
        Assert.Contains("device 42 batch 1 cleared: accepted 1", cleared.Out, StringComparison.Ordinal);
        var figures = JsonDocument.Parse(Run("audit", "--db", db, "--json").Out).RootElement.GetProperty("invariants")[3].GetProperty("figures");
        Assert.Equal(0, figures.GetProperty("refusedFiles").GetInt64());
    }

    [Fact]
    public void Clear_FolderWithoutBatchFiles_ExitsOneNamingIt()
    {
        Register();
        var empty = Directory.CreateDirectory(Path.Combine(directory, "empty")).FullName;
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "not a batch");

        var result = Run("clear", "--db", db, empty);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: {empty}: no batch files (*.ccb) in the folder or its subfolders", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Clear_TamperedFile_ExitsOneNamingTheRefusal()
    {
        Register();
        var file = Batch(1, Purchase(0, 5_000, 200, 8));
        file[48 + 55] ^= 1;
        var path = Path.Combine(directory, "tampered.ccb");
        File.WriteAllBytes(path, file);

        var result = Run("clear", "--db", db, path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("REFUSED (bad-file-mac)", result.Out, StringComparison.Ordinal);
        Assert.Equal(0, Run("centre", "records", "--db", db, "--outcome", "rejected").ExitCode);
    }

    [Fact]
    public void Audit_CorruptedPosting_ExitsOne()
    {
        Register();
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "centre.db")}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO postings (transaction_id, line, account, sub, amount_fen) VALUES (1, 99, 7, 0, 1)";
            command.ExecuteNonQuery();
        }

        var audit = Run("audit", "--db", db);

        Assert.Equal(1, audit.ExitCode);
        Assert.Contains("FAIL 1 ", audit.Out, StringComparison.Ordinal);
        Assert.Contains("transaction 1: postings sum to 1 fen", audit.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_SuspectRecord_AcceptedWithAReason()
    {
        Register();
        var path = Path.Combine(directory, "42-1.ccb");
        File.WriteAllBytes(path, Batch(1, Purchase(0, 5_000, 200, 8), Purchase(1, 4_800, 300, 23)));
        Assert.Contains("suspect 1 (300 fen)", Run("clear", "--db", db, path).Out, StringComparison.Ordinal);
        Assert.Contains("record 1: card 2144000000000001 Purchase #1 300 fen", Run("centre", "records", "--db", db).Out, StringComparison.Ordinal);

        var reviewed = Run("centre", "review", "--db", db, "--device", "42", "--batch", "1", "--record", "1", "--decision", "accept", "--reason", "terminal clock fast");
        var again = Run("centre", "review", "--db", db, "--device", "42", "--batch", "1", "--record", "1", "--decision", "reject", "--reason", "no");
        var wrong = Run("centre", "review", "--db", db, "--device", "42", "--batch", "1", "--record", "1", "--decision", "maybe", "--reason", "no");

        Assert.Equal(0, reviewed.ExitCode);
        Assert.Contains("accepted (accepted-on-review)", reviewed.Out, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("shadow balance 4500 fen", Run("centre", "card", "show", "--db", db, "--asn", "2144000000000001").Out, StringComparison.Ordinal);
        Assert.Equal(0, Run("audit", "--db", db).ExitCode);
    }

    [Fact]
    public void Blacklist_LostThenFound_VersionsListedAndDelta()
    {
        Register();
        Assert.Contains("blacklisted in version 1", Run("centre", "card", "lost", "--db", db, "--asn", "2144000000000001", "--reason", "stolen").Out, StringComparison.Ordinal);
        Assert.Equal(1, Run("centre", "card", "lost", "--db", db, "--asn", "2144000000000001").ExitCode);
        Assert.Contains("version 2", Run("centre", "card", "found", "--db", db, "--asn", "2144000000000001").Out, StringComparison.Ordinal);

        var all = Run("centre", "blacklist", "--db", db).Out;
        var delta = Run("centre", "blacklist", "--db", db, "--after", "1").Out;

        Assert.Contains("v1\tadd\t2144000000000001\tstolen", all, StringComparison.Ordinal);
        Assert.Contains("v2\tremove\t2144000000000001\tfound", all, StringComparison.Ordinal);
        Assert.DoesNotContain("v1", delta, StringComparison.Ordinal);
        Assert.Contains("v2", delta, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "--db: 'mysql://x/y' is not a database URL", "audit", "--db", "mysql://x/y")]
    [InlineData(2, "--date: '2026-13-01' is not a date", "settle", "--date", "2026-13-01")]
    [InlineData(2, "--kind: 'toaster' is not one of", "centre", "device", "add", "--id", "1", "--kind", "toaster", "--operator", "9")]
    [InlineData(2, "--asn:", "centre", "card", "show", "--asn", "12")]
    [InlineData(2, "--cutoff: '25:00' is not a time of day", "db", "migrate", "--cutoff", "25:00")]
    [InlineData(2, "is neither a file nor a folder", "clear", "no-such-file.ccb")]
    [InlineData(2, "--gap-waiting-days: 'soon' is not a whole number", "db", "migrate", "--gap-waiting-days", "soon")]
    [InlineData(2, "--older-than: 99999 is out of range", "centre", "gaps", "--older-than", "99999")]
    [InlineData(2, "--file no-such.json: cannot read it", "centre", "params", "set", "--file", "no-such.json")]
    [InlineData(2, "--device: 'x' is not a whole number", "centre", "params", "pickups", "--device", "x")]
    [InlineData(2, "--requests-per-minute: 0 is out of range", "serve", "--requests-per-minute", "0")]
    [InlineData(2, "--gap-waiting-days: -3 is out of range (0..", "db", "migrate", "--gap-waiting-days", "-3")]
    [InlineData(2, "--id: -1 is out of range (1..", "centre", "merchant", "add", "--id", "-1", "--name", "Bus", "--category", "transport")]
    [InlineData(2, "--id: 99999999999999999999 is out of range (1..", "centre", "merchant", "add", "--id", "99999999999999999999", "--name", "Bus", "--category", "transport")]
    [InlineData(2, "--role: 'god' is not viewer, clerk or supervisor", "centre", "operator", "add", "--name", "ann", "--role", "god")]
    [InlineData(2, "--name: must be 1..64 letters, digits, '-', '_' or '.', got 'bad name!'", "centre", "operator", "add", "--name", "bad name!", "--role", "viewer")]
    [InlineData(2, "--file .: is a folder, not a parameter file", "centre", "params", "set", "--file", ".")]
    [InlineData(2, "--trusted-proxy: '10.0.0.1/24' is not an IP address or network", "serve", "--trusted-proxy", "10.0.0.0/24", "--trusted-proxy", "10.0.0.1/24")]
    [InlineData(2, "--gateway-secret-file no-such.hex: cannot read it", "serve", "--gateway-secret-file", "no-such.hex")]
    public void Commands_WrongArguments_ExitTwoNamingTheOption(int code, string message, params string[] args)
    {
        var withDb = args.Contains("--db") ? args : [.. args, "--db", db];
        var result = Run(withDb);
        Assert.Equal(code, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not hex at all", "the content is not hex digits")]
    [InlineData("00112233445566778899aabbccddeeff0", "the content is not hex digits")]
    [InlineData("00112233445566778899aabbccddeeff00112233445566778899aabbccddee", "the secret is 31 bytes; it must be at least 32 bytes")]
    [InlineData("  \n", "the secret is 0 bytes; it must be at least 32 bytes")]
    public void Serve_MalformedGatewaySecretFile_ExitTwoNamingTheProblemNotTheContent(string content, string message)
    {
        var path = Path.Combine(directory, "gateway.hex");
        File.WriteAllText(path, content);

        var result = Run("serve", "--db", db, "--gateway-secret-file", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--gateway-secret-file {path}: {message}", result.Error, StringComparison.Ordinal);
        if (content.Trim().Length > 0)
        {
            Assert.DoesNotContain(content.Trim(), result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Serve_GatewaySecret_DemoOnlyWithDemoKeysNoneWithProductionKeysOwnFromFile()
    {
        Assert.Equal(0, Run("db", "migrate", "--db", db).ExitCode);
        var env = new Dictionary<string, string> { [KeySetFile.KekEnvironmentVariable] = "test-only passphrase 0123" };
        var keys = Path.Combine(directory, "prod.keys");
        Assert.Equal(0, CliRunner.RunWith(null, env, "keys", "new", "--out", keys).ExitCode);
        const string OwnSecretHex = "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"; // TEST ONLY
        var secretFile = Path.Combine(directory, "gateway.hex");
        File.WriteAllText(secretFile, "\n  " + OwnSecretHex.ToLowerInvariant() + "  \n");
        var body = System.Text.Encoding.UTF8.GetBytes("{\"paymentId\":\"P-1\",\"asn\":\"2144000000000001\",\"amountFen\":5000}");
        var demoSignature = Clearing.Lifecycle.GatewaySignature.Compute(Clearing.Lifecycle.GatewaySignature.DemoSecret, body);
        var ownSignature = Clearing.Lifecycle.GatewaySignature.Compute(Convert.FromHexString(OwnSecretHex), body);

        var demo = await ServeAndNotify(env, [], body, demoSignature);
        var production = await ServeAndNotify(env, ["--keys", keys], body, demoSignature);
        var own = await ServeAndNotify(env, ["--keys", keys, "--gateway-secret-file", secretFile], body, demoSignature, ownSignature);

        // 409: authenticated, then refused because the card is not registered; 401 and 503: never authenticated.
        Assert.Equal([409], demo.Statuses);
        Assert.Contains("payment notifications are accepted under the public DEMO gateway secret", demo.Error, StringComparison.Ordinal);
        Assert.Equal([503], production.Statuses);
        Assert.Contains("no payment gateway secret is configured", production.Error, StringComparison.Ordinal);
        Assert.Equal([401, 409], own.Statuses);
        Assert.DoesNotContain("gateway secret", own.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(OwnSecretHex, own.Error + own.Out, StringComparison.OrdinalIgnoreCase);
    }

    // Starts serve on a free loopback port, posts the notification once per signature, stops it.
    private async Task<(int[] Statuses, string Error, string Out)> ServeAndNotify(Dictionary<string, string> env, string[] options, byte[] body, params string[] signatures)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(() => CliRunner.RunUntilWith(env, stop.Token, ["serve", "--db", db, "--urls", url, .. options]), Ct);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var ready = await http.GetAsync(new Uri("/api/products", UriKind.Relative), Ct);
                break;
            }
            catch (HttpRequestException) when (attempt < 300 && !serving.IsCompleted)
            {
                await Task.Delay(100, Ct);
            }
        }

        var statuses = new List<int>();
        foreach (var signature in signatures)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/payments/notify", UriKind.Relative)) { Content = content };
            request.Headers.Add(Clearing.Lifecycle.GatewaySignature.Header, signature);
            using var response = await http.SendAsync(request, Ct);
            statuses.Add((int)response.StatusCode);
        }

        await stop.CancelAsync();
        var result = await serving;
        Assert.Equal(0, result.ExitCode);
        return ([.. statuses], result.Error, result.Out);
    }

    // The factory parameter content with a change: every section present, as 'centre params set' requires.
    private static string FactoryContent(Action<System.Text.Json.Nodes.JsonObject> change)
    {
        var content = System.Text.Json.Nodes.JsonNode.Parse(Server.Parameters.ParameterPublisher.FormatContent(Terminals.Parameters.FactoryParameters.Create()))!.AsObject();
        change(content);
        return content.ToJsonString();
    }

    [Fact]
    public async Task Serve_RequestsPerMinuteAndTrustedProxy_EachForwardedClientLimitedByItsOwnAddress()
    {
        Assert.Equal(0, Run("db", "migrate", "--db", db).ExitCode);
        var url = $"http://127.0.0.1:{FreePort()}";
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(() => CliRunner.RunUntil(stop.Token, "serve", "--db", db, "--urls", url, "--requests-per-minute", "2", "--trusted-proxy", "127.0.0.1"), Ct);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        async Task<int> Get(string? forwardedFor)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/products", UriKind.Relative));
            if (forwardedFor is not null)
            {
                request.Headers.Add("X-Forwarded-For", forwardedFor);
            }

            using var response = await http.SendAsync(request, Ct);
            return (int)response.StatusCode;
        }

        // Until it listens (refused connections count against nobody); the probe's address has its own budget.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Assert.Equal(200, await Get("198.51.100.250"));
                break;
            }
            catch (HttpRequestException) when (attempt < 300 && !serving.IsCompleted)
            {
                await Task.Delay(100, Ct);
            }
        }

        int[] first = [await Get("203.0.113.1"), await Get("203.0.113.1"), await Get("203.0.113.1")];
        int[] others = [await Get("203.0.113.2"), await Get(null), await Get(null), await Get(null)];
        await stop.CancelAsync();
        var result = await serving;

        Assert.Equal(TwoThenRefused, first);
        Assert.Equal(ThreeThenRefused, others);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void ParamsShowContent_StandardOutputIsWhatSetTakes_RoundTrips()
    {
        Register();

        // What an operator does to change a fare: save the content, edit it, set it. Until 2026-11-26 the version line
        // came first on standard output, so the saved file was not JSON and 'set' refused it.
        var shown = Run("centre", "params", "show", "--db", db, "--content");
        var saved = Path.Combine(directory, "saved.json");
        File.WriteAllText(saved, shown.Out.Replace("\"flatFareFen\": 200", "\"flatFareFen\": 150", StringComparison.Ordinal));
        var set = Run("centre", "params", "set", "--db", db, "--file", saved);

        Assert.Equal(0, shown.ExitCode);
        Assert.StartsWith("{", shown.Out, StringComparison.Ordinal);
        Assert.Contains("parameter version 1: content 0 (factory)", shown.Error, StringComparison.Ordinal);
        Assert.True(set.ExitCode == 0, set.Error);
        Assert.Contains("\"flatFareFen\": 150", Run("centre", "params", "show", "--db", db, "--content").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void ParamsSetShowAndGaps_ContentPublished_LongOpenGapListedAndAuditWarns()
    {
        Register();
        var content = Path.Combine(directory, "content.json");
        File.WriteAllText(content, FactoryContent(c =>
        {
            c["bus"]!["flatFareFen"] = 150;
            c["bus"]!["transferWindowMinutes"] = 60;
            c["concessions"] = System.Text.Json.Nodes.JsonNode.Parse("[{\"cardType\":\"student\",\"payPercent\":40}]");
        }));
        var withVersion = Path.Combine(directory, "bad.json");
        File.WriteAllText(withVersion, FactoryContent(c => c["version"] = 9));
        var nonsense = Path.Combine(directory, "nonsense.json");
        File.WriteAllText(nonsense, FactoryContent(c => c["taxi"]!["nightWindow"] = "late"));
        var partial = Path.Combine(directory, "partial.json");
        File.WriteAllText(partial, "{\"bus\":{\"flatFareFen\":150}}");

        var set = Run("centre", "params", "set", "--db", db, "--file", content, "--note", "new fares");
        var refused = Run("centre", "params", "set", "--db", db, "--file", withVersion);
        var senseless = Run("centre", "params", "set", "--db", db, "--file", nonsense);
        var incomplete = Run("centre", "params", "set", "--db", db, "--file", partial);
        var file = Path.Combine(directory, "current.json");
        var show = Run("centre", "params", "show", "--db", db, "--content", "--out", file);

        Assert.Equal(0, set.ExitCode);
        Assert.Contains("parameter content 1 set; published as parameter version 2", set.Out, StringComparison.Ordinal);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("'version' is set by the centre", refused.Error, StringComparison.Ordinal);
        Assert.Equal(2, senseless.ExitCode);
        Assert.Contains("taxi.nightWindow 'late' is not HH:mm-HH:mm", senseless.Error, StringComparison.Ordinal);
        Assert.Equal(2, incomplete.ExitCode);
        Assert.Contains("parameter content: missing section(s) 'acceptedKeyVersions', 'concessions', 'merchantDiscounts', 'taxi', 'doors'", incomplete.Error, StringComparison.Ordinal);
        Assert.Contains("parameter version 2: content 1", show.Error, StringComparison.Ordinal);
        Assert.Contains("\"payPercent\": 40", show.Out, StringComparison.Ordinal);
        var published = Terminals.Parameters.ParameterFile.Verify(File.ReadAllBytes(file), Terminals.Parameters.ParameterSigningKey.Demo());
        Assert.Equal(150, published.Bus.FlatFareFen);
        Assert.Contains("no pickups", Run("centre", "params", "pickups", "--db", db).Out, StringComparison.Ordinal);

        // A batch with counters 0 and 2 holds counter 1 open; with a waiting period of 0 days it is reported at once.
        var inbox = Directory.CreateDirectory(Path.Combine(directory, "inbox")).FullName;
        File.WriteAllBytes(Path.Combine(inbox, "42-1.ccb"), Batch(1, Purchase(0, 5_000, 200, 8), Purchase(2, 4_600, 150, 9)));
        Assert.Equal(0, Run("clear", "--db", db, inbox).ExitCode);
        Assert.Contains("0 gaps on 0 cards open longer than 7 days", Run("centre", "gaps", "--db", db).Out, StringComparison.Ordinal);
        Assert.Contains("gaps reported after 0 days", Run("db", "migrate", "--db", db, "--gap-waiting-days", "0").Out, StringComparison.Ordinal);
        var gaps = Run("centre", "gaps", "--db", db);
        var audit = Run("audit", "--db", db);

        Assert.Contains("card 2144000000000001: 1 open since", gaps.Out, StringComparison.Ordinal);
        Assert.Contains("offline #1", gaps.Out, StringComparison.Ordinal);
        Assert.Equal(0, audit.ExitCode);
        Assert.Contains("WARN 1 gaps on 1 cards have been open longer than the 0-day waiting period", audit.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_DuplicateIdOrUnknownOperator_ExitsOne()
    {
        Register();
        var duplicate = Run("centre", "merchant", "add", "--db", db, "--id", "9", "--name", "Again", "--category", "transport");
        var orphan = Run("centre", "device", "add", "--db", db, "--id", "50", "--kind", "pos", "--operator", "77", "--terminal", "000000090001");
        Assert.Equal((1, 1), (duplicate.ExitCode, orphan.ExitCode));
        Assert.Contains("merchant 9 is already registered", duplicate.Error, StringComparison.Ordinal);
        Assert.Contains("operator 77 is not registered", orphan.Error, StringComparison.Ordinal);
        Assert.Contains("42\tBusValidator", Run("centre", "device", "list", "--db", db).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Operators_AddListRotateRevoke_TokenPrintedOnce_BadArgumentsNamed()
    {
        Register();
        var added = Run("centre", "operator", "add", "--db", db, "--name", "wang.li", "--role", "supervisor");
        var token = added.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        var rotated = Run("centre", "operator", "rotate", "--db", db, "--name", "wang.li");
        var viewer = Run("centre", "operator", "add", "--db", db, "--name", "auditor", "--role", "viewer");
        var revoked = Run("centre", "operator", "revoke", "--db", db, "--name", "auditor");
        var list = Run("centre", "operator", "list", "--db", db);
        var badRole = Run("centre", "operator", "add", "--db", db, "--name", "x", "--role", "root");
        var badName = Run("centre", "operator", "add", "--db", db, "--name", "two words", "--role", "clerk");
        var again = Run("centre", "operator", "add", "--db", db, "--name", "wang.li", "--role", "clerk");
        var unknown = Run("centre", "operator", "revoke", "--db", db, "--name", "nobody");
        var missing = Run("centre", "operator", "add", "--db", db, "--name", "y");

        Assert.Equal((0, 0, 0, 0, 0), (added.ExitCode, rotated.ExitCode, viewer.ExitCode, revoked.ExitCode, list.ExitCode));
        Assert.StartsWith("cco_", token, StringComparison.Ordinal);
        Assert.DoesNotContain(token, rotated.Out, StringComparison.Ordinal);
        Assert.Contains("wang.li\tsupervisor\tadded ", list.Out, StringComparison.Ordinal);
        Assert.Contains("auditor\tviewer\tadded ", list.Out, StringComparison.Ordinal);
        Assert.Contains("\trevoked ", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("cco_", list.Out, StringComparison.Ordinal);
        Assert.Equal((2, 2, 1, 1, 2), (badRole.ExitCode, badName.ExitCode, again.ExitCode, unknown.ExitCode, missing.ExitCode));
        Assert.Contains("--role: 'root' is not viewer, clerk or supervisor", badRole.Error, StringComparison.Ordinal);
        Assert.Contains("name: must be", badName.Error, StringComparison.Ordinal);
        Assert.Contains("operator wang.li exists already", again.Error, StringComparison.Ordinal);
        Assert.Contains("operator nobody does not exist", unknown.Error, StringComparison.Ordinal);
        Assert.Contains("--role", missing.Error, StringComparison.Ordinal);
    }

    private void Register()
    {
        Assert.Equal(0, Run("db", "migrate", "--db", db, "--cutoff", "04:00").ExitCode);
        Assert.Equal(0, Run("centre", "merchant", "add", "--db", db, "--id", "9", "--name", "City Bus", "--category", "transport", "--commission-bps", "300").ExitCode);
        Assert.Equal(0, Run("centre", "merchant", "add", "--db", db, "--id", "12", "--name", "Outlet", "--category", "outlet").ExitCode);
        Assert.Equal(0, Run("centre", "device", "add", "--db", db, "--id", "42", "--kind", "bus", "--operator", "9", "--terminal", "000000010001").ExitCode);
        Assert.Equal(0, Run("centre", "card", "add", "--db", db, "--asn", "2144000000000001", "--balance", "5000", "--deposit", "2000", "--outlet", "12").ExitCode);
    }

    private static CliResult Run(params string[] args) => CliRunner.Run(args);

    // A loopback port nothing listens on now (the listener that found it is closed again).
    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static TransactionRecord Purchase(ushort counter, long balance, long amount, int hour)
    {
        var keys = DemoKeySet.Create(EpAlgorithm.Des).DeriveCardKeys(DemoKeySet.HomeCity, new Asn(0x2144_0000_0000_0001));
        var record = new TransactionRecord
        {
            Kind = RecordKind.Purchase,
            CityCode = DemoKeySet.HomeCity,
            Asn = new Asn(0x2144_0000_0000_0001),
            CardType = 1,
            Counter = counter,
            BalanceBeforeFen = balance,
            AmountFen = amount,
            Terminal = BusTerminal,
            Ttsn = 100u + counter,
            DateTime = new BcdDateTime(new DateTime(2026, 11, 20, hour, 0, 0)),
            KeyVersion = DemoKeySet.KeyVersion,
            Algorithm = EpAlgorithm.Des,
            FullFareFen = amount,
            MerchantId = 9,
        };
        return record with { Tac = record.ComputeTac(keys.TacKey) };
    }

    private static byte[] Batch(uint number, params TransactionRecord[] records) => BatchCodec.Write(
        new BatchHeader
        {
            DeviceKind = DeviceKind.BusValidator,
            DeviceId = 42,
            PsamTerminal = BusTerminal,
            BatchNumber = number,
            CreatedUtc = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero),
            OperatorId = 9,
        },
        records,
        UploadKeys.Derive(DemoKeySet.Create(EpAlgorithm.Des), 42));
}
