using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityCard.Clearing.Lifecycle;
using CityCard.Clearing.Registry;
using CityCard.Records;
using CityCard.Security.Ep;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;

namespace CityCard.Server.Tests;

/// <summary>The card lifecycle and online top-up over HTTP, in process over a SQLite file.</summary>
public sealed class LifecycleServerTests : IAsyncDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("citycard-lifecycle-").FullName;
    private readonly MovableClock clock = new(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<string, string> tokens = [];
    private WebApplication? app;
    private int requests;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task SaleLossReplacement_OverHttp_IdempotentRefusalsAsProblemsAuditOk()
    {
        var client = await StartAsync();
        var products = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/products", UriKind.Relative), Ct);
        Assert.Equal(6, products.GetProperty("products").GetArrayLength());

        var sale = new JsonObject { ["requestId"] = "sale-1", ["operator"] = "alice", ["product"] = "registered", ["outletId"] = 12, ["holderName"] = "Zhang Wei", ["idNumber"] = "220202199001011234" };
        var first = await Post(client, "/api/lifecycle/sales", sale);
        var replay = await Post(client, "/api/lifecycle/sales", sale);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(first.Body.GetRawText(), replay.Body.GetRawText());
        var asn = first.Body.GetProperty("asn").GetString()!;

        // An operator acts under its token's name: naming someone else is refused; leaving the name out uses the token's.
        var impostor = await Post(client, "/api/lifecycle/sales", new JsonObject { ["requestId"] = "x", ["operator"] = "mallory", ["product"] = "anonymous", ["outletId"] = 12 });
        Assert.Equal(HttpStatusCode.BadRequest, impostor.Status);
        Assert.Contains("'mallory' is not the operator of this token (alice)", impostor.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var unnamed = await Post(client, "/api/lifecycle/sales", new JsonObject { ["requestId"] = "x2", ["product"] = "anonymous", ["outletId"] = 12 });
        Assert.Equal(HttpStatusCode.OK, unnamed.Status);
        var entries = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/operator-log?limit=50", UriKind.Relative), Ct);
        Assert.Equal("alice", entries.EnumerateArray().Last(e => e.GetProperty("action").GetString() == "card-sale").GetProperty("operator").GetString());
        var badAsn = await Post(client, "/api/cards/XYZ/loss", Identity("r"));
        Assert.Equal(HttpStatusCode.BadRequest, badAsn.Status);
        Assert.Equal("asn: 'X' is not a hex digit", badAsn.Body.GetProperty("detail").GetString());
        var unknown = await Post(client, "/api/cards/2144999999999999/loss", Identity("r2"));
        Assert.Equal(HttpStatusCode.Conflict, unknown.Status);
        var noIdentity = await Post(client, $"/api/cards/{asn}/loss", new JsonObject { ["requestId"] = "r3", ["operator"] = "alice" });
        Assert.Equal(HttpStatusCode.BadRequest, noIdentity.Status);

        var loss = await Post(client, $"/api/cards/{asn}/loss", Identity("loss-1"));
        Assert.Equal(HttpStatusCode.OK, loss.Status);
        var second = await Post(client, $"/api/cards/{asn}/loss", Identity("loss-2"));
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Contains("already reported lost", second.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var early = await Post(client, $"/api/cards/{asn}/replacement", Identity("rep-1", outlet: 12));
        Assert.Equal(HttpStatusCode.Conflict, early.Status);
        var provisional = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/cards/{asn}/statement", UriKind.Relative), Ct);
        Assert.False(provisional.GetProperty("final").GetBoolean());

        clock.Now = clock.Now.AddDays(8);
        var replaced = await Post(client, $"/api/cards/{asn}/replacement", Identity("rep-2", outlet: 12));
        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.True(replaced.Body.GetProperty("statement").GetProperty("final").GetBoolean());
        var log = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/operator-log?limit=50", UriKind.Relative), Ct);
        Assert.Equal(["card-sale", "card-sale", "loss-report", "replacement", "card-sale"], Work(log).Select(e => e.GetProperty("action").GetString()));
        await AssertAuditOk(client);
    }

    [Fact]
    public async Task PaymentNotification_NoSecretConfigured_EveryNotificationRefused503()
    {
        var client = await StartAsync(gatewaySecret: null);
        var sale = await Post(client, "/api/lifecycle/sales", new JsonObject { ["requestId"] = "s", ["product"] = "anonymous", ["outletId"] = 12 });
        var asn = sale.Body.GetProperty("asn").GetString()!;
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["paymentId"] = "P-1", ["asn"] = asn, ["amountFen"] = 5_000 }.ToJsonString());

        var demoSigned = await NotifyFull(client, body, GatewaySignature.Compute(GatewaySignature.DemoSecret, body));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, demoSigned.Status);
        Assert.Contains("no payment gateway secret is configured", demoSigned.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var credits = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/cards/{asn}/credits", UriKind.Relative), Ct);
        Assert.Equal(0, credits.GetArrayLength());
    }

    [Fact]
    public async Task PaymentNotification_OwnSecretConfigured_DemoSignedRefusedOwnSignedAccepted()
    {
        var secret = Convert.FromHexString("00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF"); // TEST ONLY
        var client = await StartAsync(secret);
        var sale = await Post(client, "/api/lifecycle/sales", new JsonObject { ["requestId"] = "s", ["product"] = "anonymous", ["outletId"] = 12 });
        var asn = sale.Body.GetProperty("asn").GetString()!;
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["paymentId"] = "P-2", ["asn"] = asn, ["amountFen"] = 5_000 }.ToJsonString());

        var demoSigned = await Notify(client, body, GatewaySignature.Compute(GatewaySignature.DemoSecret, body));
        var ownSigned = await Notify(client, body, GatewaySignature.Compute(secret, body));

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK), (demoSigned, ownSigned));
    }

    [Fact]
    public void Build_GatewaySecretShorterThan32Bytes_Refused()
    {
        var options = new ServerOptions { Database = "sqlite:" + Path.Combine(directory, "centre.db"), PaymentGatewaySecret = new byte[31] };

        var error = Assert.Throws<ArgumentException>(() => ClearingServer.Build(options));

        Assert.Contains("at least 32 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PaymentNotification_SignedOnceUnsignedRefused_HealedAfterDays()
    {
        var client = await StartAsync();
        var sale = await Post(client, "/api/lifecycle/sales", new JsonObject { ["requestId"] = "s", ["operator"] = "alice", ["product"] = "anonymous", ["outletId"] = 12 });
        var asn = sale.Body.GetProperty("asn").GetString()!;
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["paymentId"] = "P-77", ["asn"] = asn, ["amountFen"] = 5_000 }.ToJsonString());

        var unsigned = await Notify(client, body, "00");
        var first = await NotifyFull(client, body, GatewaySignature.Compute(GatewaySignature.DemoSecret, body));
        var duplicate = await NotifyFull(client, body, GatewaySignature.Compute(GatewaySignature.DemoSecret, body));
        var wrongKey = await Notify(client, body, GatewaySignature.Compute(Encoding.UTF8.GetBytes("another secret"), body));

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized), (unsigned, first.Status, duplicate.Status, wrongKey));
        Assert.Equal(first.Body.GetRawText(), duplicate.Body.GetRawText());
        var credits = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/cards/{asn}/credits", UriKind.Relative), Ct);
        Assert.Equal(1, credits.GetArrayLength());
        Assert.Equal(JsonValueKind.String, credits[0].GetProperty("asn").ValueKind);
        Assert.Equal(asn, credits[0].GetProperty("asn").GetString());

        clock.Now = clock.Now.AddDays(31);
        var heal = await Post(client, "/api/credits/heal", new JsonObject { ["requestId"] = "heal-1", ["operator"] = "night-job" });
        Assert.Equal(5_000, heal.Body.GetProperty("refundedFen").GetInt64());
        await AssertAuditOk(client);
    }

    [Fact]
    public async Task Refund_AboveApprovalAmount_ApprovedByAnotherOperatorOverHttp()
    {
        var client = await StartAsync();
        var sale = await Post(client, "/api/lifecycle/sales", new JsonObject { ["requestId"] = "s", ["operator"] = "alice", ["product"] = "anonymous", ["outletId"] = 12 });
        var asn = sale.Body.GetProperty("asn").GetString()!;
        await Post(client, $"/api/cards/{asn}/adjustments", new JsonObject { ["requestId"] = "a", ["operator"] = "alice", ["amountFen"] = 100, ["reason"] = "test" });

        var refused = await Post(client, $"/api/cards/{asn}/refund", new JsonObject { ["requestId"] = "f0", ["operator"] = "alice", ["outletId"] = 12, ["cardBalanceFen"] = 0 });
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("pending credits", refused.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var missingAmount = await Post(client, $"/api/cards/{asn}/adjustments", new JsonObject { ["requestId"] = "a2", ["operator"] = "alice", ["reason"] = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, missingAmount.Status);

        // A value of the wrong type names the field and what it takes, not a .NET type (System.Nullable`1[System.Int64]).
        var wordAmount = await Post(client, $"/api/cards/{asn}/adjustments", new JsonObject { ["requestId"] = "a2", ["operator"] = "alice", ["amountFen"] = "5x", ["reason"] = "x" });
        var numberReason = await Post(client, $"/api/cards/{asn}/adjustments", new JsonObject { ["requestId"] = "a2", ["operator"] = "alice", ["amountFen"] = 5, ["reason"] = 5 });
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (wordAmount.Status, numberReason.Status));
        Assert.Equal("amountFen: the value must be a whole number", wordAmount.Body.GetProperty("detail").GetString());
        Assert.Equal("reason: the value must be a string", numberReason.Body.GetProperty("detail").GetString());
        var big = await Post(client, $"/api/cards/{asn}/adjustments", new JsonObject { ["requestId"] = "a3", ["operator"] = "alice", ["amountFen"] = 80_000, ["reason"] = "goodwill" });
        var id = big.Body.GetProperty("approvalId").GetInt64();
        var self = await Post(client, $"/api/approvals/{id}/approve", new JsonObject { ["requestId"] = "ap1", ["operator"] = "alice" });
        var other = await Post(client, $"/api/approvals/{id}/approve", new JsonObject { ["requestId"] = "ap2", ["operator"] = "bob" });

        Assert.Equal(HttpStatusCode.Conflict, self.Status);
        Assert.Equal("done", other.Body.GetProperty("adjustment").GetProperty("status").GetString());
        await AssertAuditOk(client);
    }

    [Fact]
    public async Task CounterRequest_SignedByTheOutlet_ForgedUnknownOrNotAnOutletRefused_NothingStored()
    {
        var client = await StartAsync();
        var body = new JsonObject { ["requestId"] = "counter-sale", ["operator"] = "clerk", ["product"] = "anonymous" }.ToJsonString();

        var forged = await SendSigned(client, "/api/lifecycle/sales", OutletDevice, body, key: new byte[16]);
        var unknown = await SendSigned(client, "/api/lifecycle/sales", 999, body);
        var bus = await SendSigned(client, "/api/lifecycle/sales", BusDevice, body);
        var otherOutlet = await SendSigned(client, "/api/lifecycle/sales", OutletDevice, new JsonObject { ["requestId"] = "counter-sale-2", ["operator"] = "clerk", ["product"] = "anonymous", ["outletId"] = 99 }.ToJsonString());
        var tampered = await SendSigned(client, "/api/lifecycle/sales", OutletDevice, body, signedBody: body.Replace("anonymous", "registered", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Unauthorized, forged.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.Status);
        Assert.Equal(HttpStatusCode.Forbidden, bus.Status);
        Assert.Contains($"device {BusDevice} is not an active top-up outlet", bus.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, otherOutlet.Status);
        Assert.Contains("outletId: 99 is not the operator of device", otherOutlet.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Only the operators added by the set-up are in the log.
        var log = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/operator-log?limit=50", UriKind.Relative), Ct);
        Assert.Empty(Work(log));

        var sold = await SendSigned(client, "/api/lifecycle/sales", OutletDevice, body);

        Assert.Equal(HttpStatusCode.OK, sold.Status);
        log = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/operator-log?limit=50", UriKind.Relative), Ct);
        Assert.Equal("card-sale", Work(log).Single().GetProperty("action").GetString());
        await AssertAuditOk(client);
    }

    private const uint OutletDevice = 44;
    private const uint BusDevice = 45;

    // A device request as an outlet terminal sends it (docs/clearing.md "HTTP server"): signed with the device's upload
    // key, or with another key, or over another body than the one sent.
    private async Task<(HttpStatusCode Status, JsonElement Body)> SendSigned(HttpClient client, string path, uint device, string body, byte[]? key = null, string? signedBody = null)
    {
        var seconds = clock.Now.ToUnixTimeSeconds();
        var uploadKey = key ?? CityCard.Records.Batches.UploadKeys.Derive(CityCard.Security.Keys.DemoKeySet.Create(EpAlgorithm.Des), device);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(Authentication.DeviceSignature.DeviceHeader, device.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(Authentication.DeviceSignature.TimeHeader, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(Authentication.DeviceSignature.SignatureHeader, Authentication.DeviceSignature.Compute(uploadKey, "POST", path, seconds, Encoding.UTF8.GetBytes(signedBody ?? body)));
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private JsonObject Identity(string requestId, uint? outlet = null)
    {
        var body = new JsonObject { ["requestId"] = requestId + "-" + Interlocked.Increment(ref requests), ["operator"] = "alice", ["holderName"] = "Zhang Wei", ["idNumber"] = "220202199001011234" };
        if (outlet is { } id)
        {
            body["outletId"] = id;
        }

        return body;
    }

    // Sent with the token of the operator the body names (the server acts under the token's name).
    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(HttpClient client, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (body["operator"]?.GetValue<string>() is { } name && tokens.TryGetValue(name, out var token))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    // The operator log without the operators the set-up added.
    private static IEnumerable<JsonElement> Work(JsonElement log) => log.EnumerateArray().Where(e => e.GetProperty("action").GetString() != "operator-add");

    private static async Task<HttpStatusCode> Notify(HttpClient client, byte[] body, string signature) =>
        (await NotifyFull(client, body, signature)).Status;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> NotifyFull(HttpClient client, byte[] body, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/payments/notify", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(GatewaySignature.Header, signature);
        using var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone());
    }

    private static async Task AssertAuditOk(HttpClient client)
    {
        var audit = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/audit", UriKind.Relative), Ct);
        Assert.True(audit.GetProperty("ok").GetBoolean(), audit.GetRawText());
    }

    private Task<HttpClient> StartAsync() => StartAsync(GatewaySignature.DemoSecret);

    private async Task<HttpClient> StartAsync(byte[]? gatewaySecret)
    {
        var options = new ServerOptions { Database = "sqlite:" + Path.Combine(directory, "centre.db"), Clock = clock, PaymentGatewaySecret = gatewaySecret };
        app = ClearingServer.Build(options, configure: b => b.WebHost.UseTestServer());
        var registry = (CentreRegistry)app.Services.GetService(typeof(CentreRegistry))!;
        registry.AddMerchant(12, "Outlet", "outlet", 0);
        registry.AddDevice(OutletDevice, DeviceKind.TopUpOutlet, 12, new TerminalId(0x0000_0003_0001));
        registry.AddMerchant(9, "Bus company", "transport", 300);
        registry.AddDevice(BusDevice, DeviceKind.BusValidator, 9, new TerminalId(0x0000_0001_0009));
        var operators = (CityCard.Clearing.Operators.OperatorDirectory)app.Services.GetService(typeof(CityCard.Clearing.Operators.OperatorDirectory))!;
        foreach (var name in new[] { "alice", "bob", "clerk", "night-job" })
        {
            tokens[name] = operators.Add(name, CityCard.Clearing.Operators.OperatorRole.Supervisor, "test");
        }

        await app.StartAsync(Ct);
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens["alice"]);
        return client;
    }

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
