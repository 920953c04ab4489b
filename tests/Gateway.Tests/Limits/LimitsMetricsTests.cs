using System.Net;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Limits;

[Collection(GatewayCollection.Name)]
public sealed class LimitsMetricsTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Limited_calls_are_counted_by_agency_service_and_reason_and_metered_as_rate_limited()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var token = await gateway.TokenAsync("rld-app");
        var limited = 0;
        for (var i = 0; i < 4; i++)
        {
            using var response = await gateway.CallAsync(HttpMethod.Get, "/limited/x", token);
            limited += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        Assert.True(limited > 0);
        var metrics = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Contains("ndxp_gateway_limited_calls_total{agency=\"RLD\",service=\"limited\",reason=\"grant_rate\"}", metrics, StringComparison.Ordinal);

        var records = await gateway.Gateway.StoredRecordsAsync("RLD", since, r => r.Count(r => r.Status == 429) >= limited);

        Assert.Equal(limited, records.Count(r => r.Outcome == Problems.Outcome.RateLimited && r.Status == 429));
    }
}
