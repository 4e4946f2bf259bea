using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace CityCard.Server.Tests;

/// <summary>The rate limiter counts requests by the address they came from, never by what the client claims.</summary>
public sealed partial class ServerTests
{
    private static readonly int[] ThreeOkThenRefused = [200, 200, 200, 429, 429];
    private static readonly int[] TwoOkThenRefused = [200, 200, 429];

    [Fact]
    public async Task RateLimit_ClaimedDeviceIdVaried_StillOneBudgetForTheAddress()
    {
        await StartAsync(requestsPerMinute: 3);
        var codes = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var device = (1_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            codes.Add((await FromAsync("192.0.2.10", request => request.Headers[Authentication.DeviceSignature.DeviceHeader] = device)).Response.StatusCode);
        }

        Assert.Equal(ThreeOkThenRefused, codes);

        // Naming a real terminal from elsewhere does not use up that terminal's address's requests.
        Assert.Equal(200, (await FromAsync("192.0.2.20", request => request.Headers[Authentication.DeviceSignature.DeviceHeader] = "1000")).Response.StatusCode);
    }

    [Fact]
    public async Task RateLimit_AddressesCountedApart_IPv6ByItsSlash64_MappedIPv4AsIPv4()
    {
        await StartAsync(requestsPerMinute: 2);
        async Task<int[]> Codes(params string[] addresses)
        {
            var codes = new List<int>();
            foreach (var address in addresses)
            {
                codes.Add((await FromAsync(address)).Response.StatusCode);
            }

            return [.. codes];
        }

        Assert.Equal(TwoOkThenRefused, await Codes("192.0.2.10", "192.0.2.10", "192.0.2.10"));
        Assert.Equal(TwoOkThenRefused, await Codes("192.0.2.11", "::ffff:192.0.2.11", "192.0.2.11"));
        Assert.Equal(TwoOkThenRefused, await Codes("2001:db8:1:2::5", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::6"));
        Assert.Equal(200, (await FromAsync("2001:db8:1:3::5")).Response.StatusCode);
    }

    [Fact]
    public async Task RateLimit_Refused_429ProblemNamingTheAddressWithRetryAfter()
    {
        await StartAsync(requestsPerMinute: 1);
        Assert.Equal(200, (await FromAsync("198.51.100.7")).Response.StatusCode);

        var refused = await FromAsync("198.51.100.7");

        Assert.Equal(429, refused.Response.StatusCode);
        Assert.Equal("application/problem+json", refused.Response.ContentType);
        var retryAfter = long.Parse(refused.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        var body = await new StreamReader(refused.Response.Body).ReadToEndAsync(Ct);
        Assert.Contains("more than 1 requests a minute from address 198.51.100.7", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit_ForwardedFor_HonouredOnlyFromATrustedProxy()
    {
        await StartAsync(requestsPerMinute: 2, trustedProxies: [IPNetwork.Parse("10.0.0.0/24")]);
        async Task<int> Via(string from, string forwardedFor) =>
            (await FromAsync(from, request => request.Headers["X-Forwarded-For"] = forwardedFor)).Response.StatusCode;

        // Through the proxy each client has its own budget, whichever proxy of the network forwarded it.
        Assert.Equal(TwoOkThenRefused, new[] { await Via("10.0.0.7", "203.0.113.1"), await Via("10.0.0.8", "203.0.113.1"), await Via("10.0.0.7", "203.0.113.1") });
        Assert.Equal(200, await Via("10.0.0.7", "203.0.113.2"));

        // Elsewhere, loopback included (which the framework would trust by default), the header is ignored.
        Assert.Equal(TwoOkThenRefused, new[] { await Via("192.0.2.30", "203.0.113.3"), await Via("192.0.2.30", "203.0.113.4"), await Via("192.0.2.30", "203.0.113.5") });
        Assert.Equal(TwoOkThenRefused, new[] { await Via("127.0.0.1", "203.0.113.6"), await Via("127.0.0.1", "203.0.113.7"), await Via("127.0.0.1", "203.0.113.8") });
    }

    [Theory]
    [InlineData("10.0.0.5", "10.0.0.5/32")]
    [InlineData(" 10.0.0.0/24 ", "10.0.0.0/24")]
    [InlineData("::1", "::1/128")]
    [InlineData("2001:db8::/32", "2001:db8::/32")]
    public void ParseProxy_AddressOrNetwork(string text, string expected) =>
        Assert.Equal(expected, ClientAddress.ParseProxy(text, "--trusted-proxy").ToString());

    [Theory]
    [InlineData("10.5")]
    [InlineData("10.0.0.1/24")]
    [InlineData("10.0.0.0/33")]
    [InlineData("proxy.example")]
    [InlineData("")]
    [InlineData(null)]
    public void ParseProxy_Malformed_ErrorNamesOptionAndValue(string? text)
    {
        var error = Assert.Throws<FormatException>(() => ClientAddress.ParseProxy(text, "--trusted-proxy"));
        Assert.StartsWith($"--trusted-proxy: '{text}' is not an IP address or network", error.Message, StringComparison.Ordinal);
    }

    // A GET of the audit as the supervisor, from the given client address, through the whole middleware pipeline.
    private async Task<HttpContext> FromAsync(string address, Action<HttpRequest>? more = null) =>
        await app!.GetTestServer().SendAsync(
            context =>
            {
                context.Request.Method = "GET";
                context.Request.Path = "/api/audit";
                context.Request.Headers.Authorization = "Bearer " + tokens["test-supervisor"];
                context.Connection.RemoteIpAddress = IPAddress.Parse(address);
                more?.Invoke(context.Request);
            },
            Ct);
}
