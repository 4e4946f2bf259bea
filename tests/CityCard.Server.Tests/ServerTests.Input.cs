using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CityCard.Records.Batches;
using CityCard.Security.Keys;
using CityCard.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CityCard.Server.Tests;

/// <summary>Malformed and impossible input answered with a 4xx ProblemDetails naming the problem, never a 500.</summary>
public sealed partial class ServerTests
{
    [Theory]
    [InlineData("\"balanceFen\":9223372036854775807", "balanceFen: 9223372036854775807 is outside 0..2147483647")]
    [InlineData("\"balanceFen\":100000000000", "balanceFen: 100000000000 is outside 0..2147483647")]
    [InlineData("\"balanceFen\":-1", "balanceFen: -1 is outside")]
    [InlineData("\"depositFen\":9223372036854775807,\"balanceFen\":9223372036854775807", "balanceFen: 9223372036854775807 is outside")]
    [InlineData("\"depositFen\":9223372036854775807", "depositFen: 9223372036854775807 is outside 0..10000000")]
    [InlineData("\"offlineCounter\":70000", "offlineCounter: 70000 is outside 0..65535")]
    public async Task SellCard_ImpossibleFigures_400NamingTheFieldAndAuditStillRuns(string figures, string problem)
    {
        var client = await StartAsync();

        var response = await client.PostAsync(new Uri("/api/cards", UriKind.Relative), new StringContent($"{{\"asn\":\"2144000000000009\",\"outletId\":12,{figures}}}", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(problem, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var lookup = await client.GetAsync(new Uri("/api/cards/2144000000000009", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, lookup.StatusCode);
        var audit = await client.GetAsync(new Uri("/api/audit", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        Assert.True(JsonDocument.Parse(await audit.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("ok").GetBoolean());
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(-1L)]
    public async Task DeviceRequests_TimeHeaderAnyLong_401NotAServerError(long seconds)
    {
        var client = await StartAsync();
        var load = "{\"asn\":\"2144000000000001\",\"balanceBeforeFen\":5000,\"amountFen\":1000,\"onlineCounter\":0,\"random\":\"12345678\",\"terminal\":\"000000030001\",\"mac1\":\"00000000\"}";
        var sale = "{\"asn\":\"2144000000000009\",\"outletId\":12}";

        var codes = new List<HttpStatusCode>();
        foreach (var (method, path, body) in new[] { (HttpMethod.Get, "/api/devices/parameters?have=0", (string?)null), (HttpMethod.Post, "/api/loads/authorise", load), (HttpMethod.Post, "/api/cards", sale) })
        {
            using var request = SignedAt(method, path, OutletDevice, seconds, body);
            using var response = await client.SendAsync(request, Ct);
            codes.Add(response.StatusCode);
            Assert.Contains($"the request time {seconds} is more than 5 minutes from the centre's", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], codes);
    }

    [Theory]
    [InlineData(9223372036854775807L, 300L, "balanceBeforeFen: 9223372036854775807 is outside -2147483648..2147483647")]
    [InlineData(-9223372036854775808L, 300L, "balanceBeforeFen: -9223372036854775808 is outside -2147483648..2147483647")]
    [InlineData(2147483648L, 300L, "balanceBeforeFen: 2147483648 is outside")]
    [InlineData(5000L, -100L, "amountFen: -100 is not a loadable amount (1..2147483647 fen)")]
    [InlineData(5000L, 0L, "amountFen: 0 is not a loadable amount")]
    [InlineData(5000L, 9223372036854775807L, "amountFen: 9223372036854775807 is not a loadable amount")]
    [InlineData(2147483000L, 1000L, "amountFen: 1000 fen on a balance of 2147483000 fen is above the purse's limit of 2147483647 fen")]
    public async Task LoadAuthorise_ImpossibleFigures_400NamingTheField(long balanceBeforeFen, long amountFen, string problem)
    {
        var client = await StartAsync();
        var body = $"{{\"asn\":\"2144000000000001\",\"balanceBeforeFen\":{balanceBeforeFen},\"amountFen\":{amountFen},\"onlineCounter\":0,\"random\":\"12345678\",\"terminal\":\"000000030001\",\"mac1\":\"00000000\"}}";

        using var response = await client.SendAsync(Signed(HttpMethod.Post, "/api/loads/authorise", OutletDevice, body: body), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    // A device request signed correctly for the time it claims, so only the time can be wrong.
    private static HttpRequestMessage SignedAt(HttpMethod method, string pathAndQuery, uint device, long seconds, string? body)
    {
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(method, new Uri(pathAndQuery, UriKind.Relative));
        request.Headers.Add(DeviceSignature.DeviceHeader, device.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(DeviceSignature.TimeHeader, seconds.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(DeviceSignature.SignatureHeader, DeviceSignature.Compute(UploadKeys.Derive(DemoKeySet.Create(Security.Ep.EpAlgorithm.Des), device), method.Method, pathAndQuery, seconds, bytes));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return request;
    }

    [Theory]
    [InlineData("POST", "/api/records/abc/1/0/review", 400, "Failed to bind parameter \"uint device\" from \"abc\"")]
    [InlineData("GET", "/api/records?limit=abc", 400, "Failed to bind parameter \"Nullable<int> limit\" from \"abc\"")]
    [InlineData("GET", "/api/no-such-thing", 404, "no endpoint answers GET /api/no-such-thing")]
    [InlineData("GET", "/api/batches", 405, "/api/batches does not take GET")]
    public async Task FrameworkAnswers_ProblemDetailsNameTheProblem(string method, string path, int status, string detail)
    {
        var client = await StartAsync();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative)) { Content = new StringContent("{}", Encoding.UTF8, "application/json") }, Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logging_ExpectedRefusalOneInformationLine_RealFailureAnErrorWithItsException()
    {
        using var logs = new CapturedLogs();
        var client = await StartAsync(logs: logs, beforeStart: a => a.MapGet("/test/broken", IResult () => throw new InvalidOperationException("TEST ONLY: a broken invariant")));

        using var refused = await client.PostAsync(new Uri("/api/cards", UriKind.Relative), new StringContent("{\"asn\":\"2144000000000001\",\"outletId\":12}", Encoding.UTF8, "application/json"), Ct);
        var afterRefusal = logs.Entries.ToList();
        using var broken = await client.GetAsync(new Uri("/test/broken", UriKind.Relative), Ct);
        var afterFailure = logs.Entries.Skip(afterRefusal.Count).ToList();

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.DoesNotContain(afterRefusal, e => e.Level >= LogLevel.Warning);
        var line = Assert.Single(afterRefusal, e => e.Message.Contains("refused with 409", StringComparison.Ordinal));
        Assert.Equal((LogLevel.Information, "POST /api/cards refused with 409: card 2144000000000001 is already registered", null), (line.Level, line.Message, line.Exception));
        Assert.Equal(HttpStatusCode.InternalServerError, broken.StatusCode);
        Assert.Contains(afterFailure, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
    }

    private sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

    // Collects every log entry the server writes (thread-safe: requests log from the thread pool).
    private sealed class CapturedLogs : ILoggerProvider, ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<LogEntry> entries = new();
        private string category = string.Empty;

        public IEnumerable<LogEntry> Entries => entries;

        public ILogger CreateLogger(string categoryName) => new CapturedLogs(entries) { category = categoryName };

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));

        public void Dispose()
        {
        }

        public CapturedLogs()
        {
        }

        private CapturedLogs(System.Collections.Concurrent.ConcurrentQueue<LogEntry> shared) => entries = shared;
    }
}
