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

        var store = gateway.Services.GetRequiredService<Ndxp.Gateway.Metering.IUsageStore>();
        IReadOnlyList<Ndxp.Gateway.Metering.UsageRecord> records = [];
        for (var attempt = 0; attempt < 50 && records.Count(r => r.Status == 429) < limited; attempt++)
        {
            await Task.Delay(100);
            records = await store.ReadRecordsAsync("RLD", since, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        }

        Assert.Equal(limited, records.Count(r => r.Outcome == Problems.Outcome.RateLimited && r.Status == 429));
    }
}
