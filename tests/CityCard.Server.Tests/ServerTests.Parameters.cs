using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityCard.Clearing.Registry;
using CityCard.Clearing.Storage;
using CityCard.Terminals.Parameters;

namespace CityCard.Server.Tests;

/// <summary>The parameter files the centre publishes, the pickup log, and the long-open gaps alarm.</summary>
public sealed partial class ServerTests
{
    [Fact]
    public async Task Parameters_UnsignedUnknownRevokedMalformedOrTooNew_AnswersEachRight()
    {
        var client = await StartAsync();

        var unsigned = await client.GetAsync(new Uri("/api/devices/parameters?have=0", UriKind.Relative), Ct);
        var wrongKey = await client.SendAsync(Signed(HttpMethod.Get, "/api/devices/parameters?have=0", Device, new byte[16]), Ct);
        var unknown = await client.SendAsync(Signed(HttpMethod.Get, "/api/devices/parameters?have=0", 999), Ct);
        var malformed = await client.SendAsync(Signed(HttpMethod.Get, "/api/devices/parameters?have=-1", Device), Ct);
        var tooNew = await client.SendAsync(Signed(HttpMethod.Get, "/api/devices/parameters?have=77", Device), Ct);
        ((CentreRegistry)app!.Services.GetService(typeof(CentreRegistry))!).RevokeDevice(Device);
        var revoked = await client.SendAsync(Signed(HttpMethod.Get, "/api/devices/parameters?have=0", Device), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("have: '-1' is not a parameter version", await malformed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, tooNew.StatusCode);
        Assert.Contains("above the centre's latest 1", await tooNew.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, revoked.StatusCode);
        Assert.All([unsigned, wrongKey, malformed, tooNew, revoked], r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
    }

    [Fact]
    public async Task Parameters_FullThenDeltaThenNewContent_VerifiedAndPickupsLogged()
    {
        var client = await StartAsync();
        var key = ParameterSigningKey.Demo();
        var registry = (CentreRegistry)app!.Services.GetService(typeof(CentreRegistry))!;

        var full = await client.SendAsync(Signed(HttpMethod.Get, "/api/devices/parameters?have=0", Device), Ct);
        var factory = await full.Content.ReadAsByteArrayAsync(Ct);
        var current = await client.SendAsync(Signed(HttpMethod.Get, "/api/devices/parameters?have=1", Device), Ct);
        var listed = registry.ReportLost(CardAsn, "stolen");
        var deltaAnswer = await client.SendAsync(Signed(HttpMethod.Get, "/api/devices/parameters?have=1", Device), Ct);
        var delta = await deltaAnswer.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal("full", full.Headers.GetValues("X-CityCard-Parameter-Kind").Single());
        Assert.Equal(ParameterFile.Sign(FactoryParameters.Create(), key), factory);
        Assert.Equal(HttpStatusCode.NoContent, current.StatusCode);
        Assert.Equal("delta", deltaAnswer.Headers.GetValues("X-CityCard-Parameter-Kind").Single());
        Assert.Equal("2", deltaAnswer.Headers.GetValues("X-CityCard-Parameter-Version").Single());
        var v2 = ParameterFile.Verify(ParameterFile.ApplyDelta(delta, factory, key), key);
        Assert.Equal([CardAsn.ToString()], v2.Blacklist);
        Assert.Equal(listed, v2.BlacklistVersion);

        var badContent = await client.PutAsync(new Uri("/api/parameters/content", UriKind.Relative), new StringContent(Content(c => c["bus"]!["flatFareFen"] = -5), Encoding.UTF8, "application/json"), Ct);
        var withBlacklist = await client.PutAsync(new Uri("/api/parameters/content", UriKind.Relative), new StringContent("{\"blacklist\":[]}", Encoding.UTF8, "application/json"), Ct);
        var typo = await client.PutAsync(new Uri("/api/parameters/content", UriKind.Relative), new StringContent(Content(c => c["buss"] = new JsonObject()), Encoding.UTF8, "application/json"), Ct);
        var set = await client.PutAsync(new Uri("/api/parameters/content?note=fare%20rise", UriKind.Relative), new StringContent(Content(c => c["bus"]!["flatFareFen"] = 250), Encoding.UTF8, "application/json"), Ct);
        var afterRise = await client.SendAsync(Signed(HttpMethod.Get, "/api/devices/parameters?have=2", Device), Ct);
        var v3 = ParameterFile.Verify(await afterRise.Content.ReadAsByteArrayAsync(Ct), key);

        Assert.Equal(HttpStatusCode.BadRequest, badContent.StatusCode);
        Assert.Contains("bus.flatFareFen out of range", await badContent.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("'blacklist' is set by the centre", await withBlacklist.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("buss", await typo.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("full", afterRise.Headers.GetValues("X-CityCard-Parameter-Kind").Single());
        Assert.Equal(3u, v3.Version);
        Assert.Equal(250, v3.Bus.FlatFareFen);
        Assert.Equal([CardAsn.ToString()], v3.Blacklist);

        var pickups = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/parameters/pickups?device={Device}", UriKind.Relative), Ct)).RootElement;
        Assert.Equal([3u, 2u, 1u], pickups.EnumerateArray().Select(p => p.GetProperty("version").GetUInt32()));
        Assert.Equal("delta", pickups[1].GetProperty("kind").GetString());
        var store = (IClearingStore)app.Services.GetService(typeof(IClearingStore))!;
        var first = store.Read(r => r.FirstPickupOfBlacklist(Device, listed));
        Assert.Equal(2u, first!.Version);
        Assert.Equal(Now, first.PickedUpUtc);
        Assert.Null(store.Read(r => r.FirstPickupOfBlacklist(OutletDevice, listed)));
        Assert.Equal(listed, store.Read(r => r.FindDevice(Device))!.BlacklistVersion);
        var shown = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/parameters", UriKind.Relative), Ct)).RootElement;
        Assert.Equal(3u, shown.GetProperty("version").GetUInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(new Uri("/api/parameters/pickups?limit=0", UriKind.Relative), Ct)).StatusCode);
    }

    [Theory]
    [InlineData("{}", "parameter content: missing section(s) 'acceptedKeyVersions', 'bus', 'concessions', 'merchantDiscounts', 'taxi', 'doors'")]
    [InlineData("concessions", "parameter content: missing section(s) 'concessions':")]
    [InlineData("bus.distanceLines", "parameter content: bus: missing field(s) 'distanceLines':")]
    [InlineData("taxi.nightWindow", "parameter content: taxi: missing field(s) 'nightWindow':")]
    public async Task ParameterContent_SectionOrFareFieldLeftOut_400NamingItNothingStored(string leftOut, string problem)
    {
        var client = await StartAsync();
        var body = leftOut == "{}" ? leftOut : Content(c =>
        {
            var path = leftOut.Split('.');
            (path.Length == 1 ? c : c[path[0]]!.AsObject()).Remove(path[^1]);
        });

        var response = await client.PutAsync(new Uri("/api/parameters/content", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var shown = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/parameters", UriKind.Relative), Ct)).RootElement;
        Assert.Equal(0u, shown.GetProperty("contentVersion").GetUInt32());
    }

    [Fact]
    public async Task GapWatch_GapsOpenLongerThanTheWaitingPeriod_LoggedAsAWarningNamingThem()
    {
        var clock = new FixedClock(Now);
        var logs = new CapturedLogs();
        var client = await StartAsync(clock: clock, logs: logs);
        await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(Batch(1, Purchase(0, 5_000, 200), Purchase(2, 4_600, 300))), Ct);
        var watch = (GapWatch)app!.Services.GetService(typeof(GapWatch))!;

        var whileFresh = watch.Check();
        clock.Now = Now.AddDays(8);
        var whenLate = watch.Check();

        Assert.False(whileFresh);
        Assert.True(whenLate);
        var warning = Assert.Single(logs.Entries, e => e.Category == typeof(GapWatch).FullName);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("1 gaps on 1 cards open longer than the 7-day waiting period", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"card {CardAsn}, offline counter 1, open since", warning.Message, StringComparison.Ordinal);
        Assert.Contains("GET /api/gaps", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GapWatch_RunsOnItsOwn_WhileTheServerServes()
    {
        var clock = new FixedClock(Now);
        var logs = new CapturedLogs();
        var client = await StartAsync(clock: clock, logs: logs, gapCheckInterval: TimeSpan.FromMilliseconds(100));
        await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(Batch(1, Purchase(0, 5_000, 200), Purchase(2, 4_600, 300))), Ct);

        clock.Now = Now.AddDays(8);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!logs.Entries.Any(e => e.Category == typeof(GapWatch).FullName) && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50, Ct);
        }

        Assert.Contains(logs.Entries, e => e.Category == typeof(GapWatch).FullName && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains($"card {CardAsn}", StringComparison.Ordinal));
    }

    // The factory content with one change: every section present, as PUT /api/parameters/content requires.
    private static string Content(Action<JsonObject> change)
    {
        var content = JsonNode.Parse(Server.Parameters.ParameterPublisher.FormatContent(FactoryParameters.Create()))!.AsObject();
        change(content);
        return content.ToJsonString();
    }

    [Fact]
    public async Task Gaps_OpenLongerThanTheWaitingPeriod_ListedAndTheAuditWarns()
    {
        var clock = new FixedClock(Now);
        var client = await StartAsync(clock: clock);
        await client.PostAsync(new Uri("/api/batches", UriKind.Relative), Bytes(Batch(1, Purchase(0, 5_000, 200), Purchase(2, 4_600, 300))), Ct);

        var fresh = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/gaps", UriKind.Relative), Ct)).RootElement;
        var anyAge = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/gaps?olderThanDays=0", UriKind.Relative), Ct)).RootElement;
        clock.Now = Now.AddDays(8);
        var late = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/gaps", UriKind.Relative), Ct)).RootElement;
        var audit = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/audit", UriKind.Relative), Ct)).RootElement;
        var badDays = await client.GetAsync(new Uri("/api/gaps?olderThanDays=-1", UriKind.Relative), Ct);

        Assert.Equal(0, fresh.GetProperty("cards").GetArrayLength());
        Assert.Equal(7, fresh.GetProperty("waitingPeriodDays").GetInt32());
        Assert.Equal(CardAsn.ToString(), anyAge.GetProperty("cards")[0].GetProperty("asn").GetString());
        var gap = late.GetProperty("cards")[0].GetProperty("gaps")[0];
        Assert.Equal(1, gap.GetProperty("counter").GetInt64());
        Assert.Equal("offline", gap.GetProperty("counterKind").GetString());
        Assert.Equal(Now, gap.GetProperty("openedUtc").GetDateTimeOffset());
        Assert.True(audit.GetProperty("ok").GetBoolean(), audit.GetRawText());
        Assert.Contains("1 gaps on 1 cards have been open longer than the 7-day waiting period", audit.GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(1, audit.GetProperty("invariants")[2].GetProperty("figures").GetProperty("gapsOpenLongerThanWaitingPeriod").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, badDays.StatusCode);
    }
}
