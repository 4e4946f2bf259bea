using System.Net;
using System.Text;
using System.Text.Json;

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
}
