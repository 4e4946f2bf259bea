using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CityCard.Clearing.Operators;
using CityCard.Clearing.Registry;
using CityCard.Records;
using CityCard.Records.Batches;
using CityCard.Security.Ep;
using CityCard.Security.Keys;
using CityCard.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CityCard.Server.Tests;

/// <summary>The clearing-centre HTTP API in process over a SQLite file.</summary>
public sealed partial class ServerTests : IAsyncDisposable
{
    private const uint Device = 42;
    private const uint OutletDevice = 44;
    private static readonly TerminalId Terminal = new(0x0000_0001_0001);
    private static readonly Asn CardAsn = new(0x2144_0000_0000_0001);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-server-").FullName;
    private readonly Dictionary<string, string> tokens = [];
    private WebApplication? app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            // Stopped first, so background work (the gap watch) has ended before the database's folder goes.
            await app.StopAsync();
            await app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task BackOffice_WithoutValidTokenOrRole_401Or403AndNothingDone()
    {
        using var client = await StartAsync();
        client.DefaultRequestHeaders.Authorization = null;
        async Task<(HttpStatusCode Status, string Body, string Challenge)> Send(HttpMethod method, string path, string? token)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
            if (method == HttpMethod.Post)
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request, Ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response.Headers.WwwAuthenticate.ToString());
        }

        var none = await Send(HttpMethod.Get, "/api/audit", null);
        var garbage = await Send(HttpMethod.Get, "/api/audit", "cco_not-a-token");
        var viewerReads = await Send(HttpMethod.Get, $"/api/cards/{CardAsn}", tokens["test-viewer"]);
        var viewerSettles = await Send(HttpMethod.Post, "/api/settlements/2026-11-20", tokens["test-viewer"]);
        var clerkSettles = await Send(HttpMethod.Post, "/api/settlements/2026-11-20", tokens["test-clerk"]);
        var clerkReviews = await Send(HttpMethod.Post, "/api/records/42/1/0/review", tokens["test-clerk"]);
        var operators = (OperatorDirectory)app!.Services.GetService(typeof(OperatorDirectory))!;
        operators.Revoke("test-viewer", "test");
        var revoked = await Send(HttpMethod.Get, $"/api/cards/{CardAsn}", tokens["test-viewer"]);
        var rotated = operators.Rotate("test-clerk", "test");
        var oldClerk = await Send(HttpMethod.Get, $"/api/cards/{CardAsn}", tokens["test-clerk"]);
        var newClerk = await Send(HttpMethod.Get, $"/api/cards/{CardAsn}", rotated);
        var publicCatalogue = await Send(HttpMethod.Get, "/api/products", null);
        using var lowerCase = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/audit", UriKind.Relative));
        lowerCase.Headers.TryAddWithoutValidation("Authorization", "bearer " + tokens["test-supervisor"]);
        var lowerCaseScheme = (await client.SendAsync(lowerCase, Ct)).StatusCode;

        Assert.Equal((HttpStatusCode.Unauthorized, "Bearer"), (none.Status, none.Challenge));
        Assert.Contains("operator's token", none.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.Status);
        Assert.Contains("unknown or revoked", garbage.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, viewerReads.Status);
        Assert.Equal(HttpStatusCode.Forbidden, viewerSettles.Status);
        Assert.Contains("test-viewer is a viewer; this needs a supervisor", viewerSettles.Body, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (clerkSettles.Status, clerkReviews.Status));
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK), (revoked.Status, oldClerk.Status, newClerk.Status));
        Assert.Equal(HttpStatusCode.OK, publicCatalogue.Status);
        Assert.Equal(HttpStatusCode.OK, lowerCaseScheme);
        // Nothing was settled by the refused requests; the token hashes, not the tokens, are stored.
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/api/settlements/2026-11-20", tokens["test-supervisor"])).Status);
        var stored = new SqliteConnection("Data Source=" + Path.Combine(directory, "centre.db"));
        await stored.OpenAsync(Ct);
        using var command = stored.CreateCommand();
        command.CommandText = "SELECT group_concat(token_sha256, ' ') FROM operators";
        var hashes = (string)(await command.ExecuteScalarAsync(Ct))!;
        await stored.DisposeAsync();
        Assert.DoesNotContain(rotated, hashes, StringComparison.Ordinal);
        Assert.Contains(OperatorDirectory.Hash(rotated), hashes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CardRegistration_SignedByTheOutlet_OwnCounterOnly_NoTokenNeeded()
    {
        using var client = await StartAsync();
        client.DefaultRequestHeaders.Authorization = null;
        const string Sale = "{\"asn\":\"2144000000000021\",\"depositFen\":2000,\"balanceFen\":500,\"outletId\":12}";

        using var byOutlet = await client.SendAsync(Signed(HttpMethod.Post, "/api/cards", OutletDevice, body: Sale), Ct);
        using var byBus = await client.SendAsync(Signed(HttpMethod.Post, "/api/cards", Device, body: Sale.Replace("21", "22", StringComparison.Ordinal)), Ct);
        using var otherCounter = await client.SendAsync(Signed(HttpMethod.Post, "/api/cards", OutletDevice, body: Sale.Replace("21", "23", StringComparison.Ordinal).Replace(":12}", ":9}", StringComparison.Ordinal)), Ct);
        using var forged = await client.SendAsync(Signed(HttpMethod.Post, "/api/cards", OutletDevice, key: new byte[16], body: Sale.Replace("21", "24", StringComparison.Ordinal)), Ct);
        using var unsigned = await client.PostAsync(new Uri("/api/cards", UriKind.Relative), new StringContent(Sale.Replace("21", "25", StringComparison.Ordinal), Encoding.UTF8, "application/json"), Ct);

        using var creditsByOutlet = await client.SendAsync(Signed(HttpMethod.Get, $"/api/cards/{CardAsn}/credits", OutletDevice), Ct);
        using var creditsByBus = await client.SendAsync(Signed(HttpMethod.Get, $"/api/cards/{CardAsn}/credits", Device), Ct);

        Assert.Equal(HttpStatusCode.OK, creditsByOutlet.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, creditsByBus.StatusCode);
        Assert.Equal(HttpStatusCode.Created, byOutlet.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byBus.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, otherCounter.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        var store = (CityCard.Clearing.Storage.IClearingStore)app!.Services.GetService(typeof(CityCard.Clearing.Storage.IClearingStore))!;
        Assert.NotNull(store.Read(r => r.FindCard(new Asn(0x2144_0000_0000_0021))));
        Assert.All(new ulong[] { 0x2144_0000_0000_0022, 0x2144_0000_0000_0023, 0x2144_0000_0000_0024, 0x2144_0000_0000_0025 }, asn => Assert.Null(store.Read(r => r.FindCard(new Asn(asn)))));
    }

    [Fact]
    public async Task UploadBatch_TwiceAndTampered_SameReceiptThenRefusal()
    {
        var client = await StartAsync();
        var file = Batch(1, Purchase(0, 5_000, 200), Purchase(1, 4_800, 300));

        var first = await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(file), Ct);
        var second = await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(file), Ct);
        var tampered = (byte[])file.Clone();
        tampered[48 + 55] ^= 1;
        var refused = await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(tampered), Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var a = JsonDocument.Parse(await first.Content.ReadAsStringAsync(Ct)).RootElement;
        var b = JsonDocument.Parse(await second.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(2, a.GetProperty("receipt").GetProperty("totals").GetProperty("accepted").GetInt32());
        Assert.Equal(500, a.GetProperty("receipt").GetProperty("totals").GetProperty("acceptedFen").GetInt64());
        Assert.Equal(a.GetProperty("receipt").GetRawText(), b.GetProperty("receipt").GetRawText());
        Assert.True(b.GetProperty("replayed").GetBoolean());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("bad-file-mac", JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("receipt").GetProperty("refusal").GetString());

        var card = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/cards/{CardAsn}", UriKind.Relative), Ct)).RootElement;
        Assert.Equal(4_500, card.GetProperty("card").GetProperty("shadowBalanceFen").GetInt64());
        Assert.Equal(2, card.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task UploadBatch_LargerThanTheLimit_413ProblemDetails()
    {
        var client = await StartAsync(maxBodyBytes: 1_000);
        var response = await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(new byte[5_000]), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("larger than 1000 bytes", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("{\"asn\":\"12\",\"outletId\":12}", "asn:")]
    [InlineData("{\"asn\":\"2144000000000009\",\"outletId\":99}", "outlet operator 99 is not registered")]
    [InlineData("{\"asn\":\"2144000000000001\",\"outletId\":12}", "already registered")]
    [InlineData("{\"asn\":\"2144000000000009\",\"outletId\":12,\"cardType\":300}", "cardType")]
    [InlineData("{\"asn\":\"2144000000000009\",\"outletId\":12,\"balance\":500}", "the request body has a field this request does not take: 'balance'")]
    public async Task SellCard_MalformedOrRefused_ProblemDetailsNamingIt(string json, string problem)
    {
        var client = await StartAsync();
        var response = await client.PostAsync(new Uri("/api/cards", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, response.StatusCode.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(problem, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettleAuditAndDocument_AfterUpload_Served()
    {
        var clock = new FixedClock(Now);
        var client = await StartAsync(clock: clock);
        await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(Batch(1, Purchase(0, 5_000, 200))), Ct);
        var sale = await client.PostAsync(new Uri("/api/cards", UriKind.Relative), new StringContent("{\"asn\":\"2144000000000002\",\"balanceFen\":100,\"outletId\":12}", Encoding.UTF8, "application/json"), Ct);

        // 18:00 on the 20th in China Standard Time: the day has not ended, so it is not settled yet; nor is a day to come.
        var early = await client.PostAsync(new Uri("/api/settlements/2026-11-20", UriKind.Relative), null, Ct);
        var future = await client.PostAsync(new Uri("/api/settlements/9999-12-31", UriKind.Relative), null, Ct);
        clock.Now = Now.AddHours(7);
        var settle = await client.PostAsync(new Uri("/api/settlements/2026-11-20", UriKind.Relative), null, Ct);
        var csv = await client.GetStringAsync(new Uri("/api/settlements/2026-11-20/csv", UriKind.Relative), Ct);
        var audit = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/audit", UriKind.Relative), Ct)).RootElement;
        var missing = await client.GetAsync(new Uri("/api/cards/2144000000000077", UriKind.Relative), Ct);
        var badDate = await client.PostAsync(new Uri("/api/settlements/20-11-2026", UriKind.Relative), null, Ct);
        var openApi = await client.GetAsync(new Uri("/api/openapi/v1.json", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Created, sale.StatusCode);
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (early.StatusCode, future.StatusCode));
        Assert.Contains("settle 2026-11-20: that business day has not ended", await early.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("settle 9999-12-31: that business day has not ended", await future.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, settle.StatusCode);
        Assert.Contains("merchant,9,City Bus,transport,300,1,200,0,0,200,6,194,0,0", csv, StringComparison.Ordinal);
        Assert.True(audit.GetProperty("ok").GetBoolean(), audit.GetRawText());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        var document = await openApi.Content.ReadAsStringAsync(Ct);
        Assert.Contains("/api/batches", document, StringComparison.Ordinal);
        Assert.Contains("Needs `Authorization: Bearer cco_…` of a supervisor or above", document, StringComparison.Ordinal);
        Assert.Contains("or a request signed by an active top-up outlet", document, StringComparison.Ordinal);
        var docs = await client.GetStringAsync(new Uri("/api/docs", UriKind.Relative), Ct);
        Assert.Contains("/api/openapi/v1.json", docs, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", docs, StringComparison.Ordinal);
    }

    // A reconciliation difference refuses the settlement: 409 naming every difference, nothing stored (the day is still
    // not settled), and the same request settles it once the cause is put right.
    [Fact]
    public async Task Settle_ReconciliationDifference_RefusedWith409ListingTheDifferences()
    {
        var clock = new FixedClock(Now);
        var client = await StartAsync(clock: clock);
        await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(Batch(1, Purchase(0, 5_000, 200))), Ct);
        clock.Now = Now.AddDays(1);
        Sql("UPDATE batch_totals SET amount_fen = amount_fen + 7");

        var refused = await client.PostAsync(new Uri("/api/settlements/2026-11-20", UriKind.Relative), null, Ct);
        var stored = await client.GetAsync(new Uri("/api/settlements/2026-11-20", UriKind.Relative), Ct);
        Sql("UPDATE batch_totals SET amount_fen = amount_fen - 7");
        var settled = await client.PostAsync(new Uri("/api/settlements/2026-11-20", UriKind.Relative), null, Ct);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Contains("nothing was settled, posted or paid", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(problem.GetProperty("differences").EnumerateArray(), d => d.GetString()!.StartsWith("invariant 4", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
        Assert.Equal(HttpStatusCode.OK, settled.StatusCode);
        Assert.False(JsonDocument.Parse(await settled.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("replayed").GetBoolean());
    }

    private void Sql(string statement)
    {
        using var connection = new SqliteConnection("Data Source=" + Path.Combine(directory, "centre.db"));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = statement;
        command.ExecuteNonQuery();
    }

    // A card no one registered is 404 on every card view (the lookup, a loss statement, pending credits), naming it.
    [Theory]
    [InlineData("/api/cards/2144000000000077")]
    [InlineData("/api/cards/2144000000000077/statement")]
    [InlineData("/api/cards/2144000000000077/credits")]
    public async Task CardViews_UnknownCard_404NamingIt(string path)
    {
        var client = await StartAsync();

        var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("card 2144000000000077 is not registered", JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("detail").GetString());
    }

    // The API reference says what each operation takes and answers: its JSON body, its credentials (operator token,
    // device signature or gateway signature) and the ProblemDetails answers it can give.
    [Fact]
    public async Task OpenApi_DescribesBodiesCredentialsAndProblemAnswers()
    {
        var client = await StartAsync();

        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/openapi/v1.json", UriKind.Relative), Ct)).RootElement;

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("operatorToken").GetProperty("scheme").GetString());
        Assert.Equal("X-CityCard-Signature", schemes.GetProperty("deviceSignature").GetProperty("name").GetString());
        Assert.Equal("X-CityCard-Gateway-Signature", schemes.GetProperty("gatewaySignature").GetProperty("name").GetString());
        var paths = document.GetProperty("paths");
        var sale = paths.GetProperty("/api/cards").GetProperty("post");
        Assert.EndsWith("/CardSale", sale.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString(), StringComparison.Ordinal);
        Assert.Equal(["201", "400", "401", "403", "409", "413", "429", "503"], Codes(sale));
        Assert.Equal(["operatorToken", "deviceSignature"], Schemes(sale));
        Assert.Equal(
            "application/problem+json",
            sale.GetProperty("responses").GetProperty("409").GetProperty("content").EnumerateObject().Single().Name);
        var notify = paths.GetProperty("/api/payments/notify").GetProperty("post");
        Assert.Equal(["gatewaySignature"], Schemes(notify));
        Assert.DoesNotContain("403", Codes(notify));
        var download = paths.GetProperty("/api/devices/parameters").GetProperty("get");
        Assert.Equal(["deviceSignature"], Schemes(download));
        Assert.Contains("204", Codes(download));
        Assert.Contains("200", Codes(download));
        var upload = paths.GetProperty("/api/batches").GetProperty("post");
        Assert.Equal(["200", "400", "413", "422", "429", "503"], Codes(upload));
        Assert.Empty(Schemes(upload));
        Assert.Empty(Schemes(paths.GetProperty("/api/products").GetProperty("get")));
        Assert.True(paths.GetProperty("/api/parameters/content").GetProperty("put").TryGetProperty("requestBody", out _));

        static string[] Codes(JsonElement operation) => [.. operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal)];

        static string[] Schemes(JsonElement operation) =>
            operation.TryGetProperty("security", out var security) ? [.. security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name))] : [];
    }

    [Fact]
    public async Task ReviewSuspect_AcceptThenMalformed_AnswersEachRight()
    {
        var client = await StartAsync();
        await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(Batch(1, Purchase(0, 5_000, 200), Purchase(1, 4_800, 300, hour: 23))), Ct);
        var suspects = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/records?outcome=suspect", UriKind.Relative), Ct)).RootElement;
        Assert.Equal("future-date", suspects[0].GetProperty("reason").GetString());

        var accepted = await client.PostAsync(new Uri("/api/records/42/1/1/review", UriKind.Relative), new StringContent("{\"decision\":\"accept\",\"reason\":\"clock fast\"}", Encoding.UTF8, "application/json"), Ct);
        var again = await client.PostAsync(new Uri("/api/records/42/1/1/review", UriKind.Relative), new StringContent("{\"decision\":\"reject\",\"reason\":\"no\"}", Encoding.UTF8, "application/json"), Ct);
        var malformed = await client.PostAsync(new Uri("/api/records/42/1/1/review", UriKind.Relative), new StringContent("{\"decision\":\"maybe\"}", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("accepted-on-review", JsonDocument.Parse(await accepted.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("decision: 'maybe'", await malformed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        // The decision is in the operator log under the token's operator.
        var log = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/operator-log?limit=50", UriKind.Relative), Ct)).RootElement;
        var decided = log.EnumerateArray().Single(e => e.GetProperty("action").GetString() == "suspect-accept");
        Assert.Equal(("test-supervisor", "device 42 batch 1 record 1"), (decided.GetProperty("operator").GetString(), decided.GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task OnlineLoad_AuthoriseConfirmThenOutletBatch_PostedOnce()
    {
        var client = await StartAsync();
        var outletTerminal = new TerminalId(0x0000_0003_0001);
        var keys = DemoKeySet.Create(EpAlgorithm.Des).DeriveCardKeys(DemoKeySet.HomeCity, CardAsn);
        const uint random = 0x1234_5678;
        var session = EpMacs.LoadSessionKey(keys.Load, random, 0);
        var mac1 = EpMacs.LoadMac1(session, 5_000, 1_000, TransactionType.Load, outletTerminal);
        string Authorise(uint mac) => $"{{\"asn\":\"{CardAsn}\",\"balanceBeforeFen\":5000,\"amountFen\":1000,\"onlineCounter\":0,\"random\":\"12345678\",\"terminal\":\"000000030001\",\"mac1\":\"{mac:X8}\"}}";

        var forged = await client.SendAsync(Signed(HttpMethod.Post, "/api/loads/authorise", OutletDevice, body: Authorise(mac1 ^ 1)), Ct);
        var authorised = await client.SendAsync(Signed(HttpMethod.Post, "/api/loads/authorise", OutletDevice, body: Authorise(mac1)), Ct);
        var answer = JsonDocument.Parse(await authorised.Content.ReadAsStringAsync(Ct)).RootElement;
        var hostTime = BcdDateTime.Parse(answer.GetProperty("hostDateTime").GetString(), "hostDateTime");
        Assert.Equal(EpMacs.LoadMac2(session, 1_000, TransactionType.Load, outletTerminal, hostTime).ToString("X8", CultureInfo.InvariantCulture), answer.GetProperty("mac2").GetString());
        var tac = EpMacs.LoadTac(keys.TacKey, 6_000, 0, 1_000, TransactionType.Load, outletTerminal, hostTime);
        var badTac = await client.SendAsync(Signed(HttpMethod.Post, "/api/loads/confirm", OutletDevice, body: $"{{\"asn\":\"{CardAsn}\",\"onlineCounter\":0,\"tac\":\"{tac ^ 1:X8}\"}}"), Ct);
        var confirmed = await client.SendAsync(Signed(HttpMethod.Post, "/api/loads/confirm", OutletDevice, body: $"{{\"asn\":\"{CardAsn}\",\"onlineCounter\":0,\"tac\":\"{tac:X8}\"}}"), Ct);

        Assert.Equal(HttpStatusCode.Conflict, forged.StatusCode);
        Assert.Contains("MAC1 does not verify", await forged.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, authorised.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, badTac.StatusCode);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);

        var record = new TransactionRecord
        {
            Kind = RecordKind.Load,
            CityCode = DemoKeySet.HomeCity,
            Asn = CardAsn,
            Counter = 0,
            BalanceBeforeFen = 5_000,
            AmountFen = 1_000,
            Terminal = outletTerminal,
            DateTime = hostTime,
            KeyVersion = DemoKeySet.KeyVersion,
            Algorithm = EpAlgorithm.Des,
            Tac = tac,
            MerchantId = 12,
        };
        var batch = BatchCodec.Write(
            new BatchHeader { DeviceKind = DeviceKind.TopUpOutlet, DeviceId = OutletDevice, PsamTerminal = outletTerminal, BatchNumber = 1, CreatedUtc = Now.AddMinutes(5), OperatorId = 12 },
            [record],
            UploadKeys.Derive(DemoKeySet.Create(EpAlgorithm.Des), OutletDevice));
        await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(batch), Ct);
        await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(batch), Ct);
        var card = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/cards/{CardAsn}", UriKind.Relative), Ct)).RootElement;
        Assert.Equal(6_000, card.GetProperty("card").GetProperty("shadowBalanceFen").GetInt64());
        Assert.True(JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/audit", UriKind.Relative), Ct)).RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Requests_OverTheRateLimit_429ProblemDetails()
    {
        var client = await StartAsync(requestsPerMinute: 3);
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            codes.Add((await client.GetAsync(new Uri("/api/audit", UriKind.Relative), Ct)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes);
        var refused = await client.GetAsync(new Uri("/api/audit", UriKind.Relative), Ct);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    private async Task<HttpClient> StartAsync(long maxBodyBytes = ServerOptions.MaxBatchBytes, int requestsPerMinute = 1_200, FixedClock? clock = null, IReadOnlyList<IPNetwork>? trustedProxies = null, Microsoft.Extensions.Logging.ILoggerProvider? logs = null, Action<WebApplication>? beforeStart = null, string? database = null, TimeSpan? gapCheckInterval = null)
    {
        var options = new ServerOptions
        {
            Database = database ?? "sqlite:" + Path.Combine(directory, "centre.db"),
            MaxBodyBytes = maxBodyBytes,
            RequestsPerMinute = requestsPerMinute,
            TrustedProxies = trustedProxies ?? [],
            Clock = clock ?? new FixedClock(Now),
            GapCheckInterval = gapCheckInterval ?? new ServerOptions().GapCheckInterval,
            GapCheckStartDelay = gapCheckInterval is null ? new ServerOptions().GapCheckStartDelay : TimeSpan.Zero,
        };
        app = ClearingServer.Build(options, configure: b =>
        {
            b.WebHost.UseTestServer();
            if (logs is not null)
            {
                b.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs);
            }
        });
        beforeStart?.Invoke(app);
        var registry = (CentreRegistry)app.Services.GetService(typeof(CentreRegistry))!;
        registry.AddMerchant(9, "City Bus", "transport", 300);
        registry.AddMerchant(12, "Outlet", "outlet", 0);
        registry.AddDevice(Device, DeviceKind.BusValidator, 9, Terminal);
        registry.AddDevice(OutletDevice, DeviceKind.TopUpOutlet, 12, new TerminalId(0x0000_0003_0001));
        registry.SellCard(CardAsn, DemoKeySet.HomeCity, 1, 2_000, 5_000, 0, 0, 12);
        var operators = (OperatorDirectory)app.Services.GetService(typeof(OperatorDirectory))!;
        foreach (var (name, role) in new[] { ("test-supervisor", OperatorRole.Supervisor), ("test-clerk", OperatorRole.Clerk), ("test-viewer", OperatorRole.Viewer) })
        {
            tokens[name] = operators.Add(name, role, "test");
        }

        await app.StartAsync(Ct);
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens["test-supervisor"]);
        return client;
    }

    private static ByteArrayContent Bytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static HttpRequestMessage Signed(HttpMethod method, string pathAndQuery, uint device, byte[]? key = null, string? body = null)
    {
        var seconds = Now.ToUnixTimeSeconds();
        var uploadKey = key ?? UploadKeys.Derive(DemoKeySet.Create(EpAlgorithm.Des), device);
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(method, new Uri(pathAndQuery, UriKind.Relative));
        request.Headers.Add(DeviceSignature.DeviceHeader, device.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(DeviceSignature.TimeHeader, seconds.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(DeviceSignature.SignatureHeader, DeviceSignature.Compute(uploadKey, method.Method, pathAndQuery, seconds, bytes));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return request;
    }

    private static TransactionRecord Purchase(ushort counter, long balance, long amount, int hour = 8)
    {
        var record = new TransactionRecord
        {
            Kind = RecordKind.Purchase,
            CityCode = DemoKeySet.HomeCity,
            Asn = CardAsn,
            CardType = 1,
            Counter = counter,
            BalanceBeforeFen = balance,
            AmountFen = amount,
            Terminal = Terminal,
            Ttsn = 10u + counter,
            DateTime = new BcdDateTime(new DateTime(2026, 11, 20, hour, counter, 0)),
            KeyVersion = DemoKeySet.KeyVersion,
            Algorithm = EpAlgorithm.Des,
            FullFareFen = amount,
            MerchantId = 9,
        };
        var keys = DemoKeySet.Create(EpAlgorithm.Des).DeriveCardKeys(DemoKeySet.HomeCity, CardAsn);
        return record with { Tac = record.ComputeTac(keys.TacKey) };
    }

    private static byte[] Batch(uint number, params TransactionRecord[] records) => BatchCodec.Write(
        new BatchHeader { DeviceKind = DeviceKind.BusValidator, DeviceId = Device, PsamTerminal = Terminal, BatchNumber = number, CreatedUtc = Now, OperatorId = 9 },
        records,
        UploadKeys.Derive(DemoKeySet.Create(EpAlgorithm.Des), Device));

    // Fixed unless a test moves it on.
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
