using System.Net;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Limits;

/// <summary>
/// Limited calls in the metrics. Metrics are process-wide and other tests' gateways limit calls too: this test calls
/// as an agency of its own, so that the series it reads moves only with its own calls.
/// </summary>
public sealed class LimitsMetricsTests : IAsyncLifetime
{
    private const string Series = "ndxp_gateway_limited_calls_total{agency=\"LMX\",service=\"limited\",reason=\"grant_rate\"}";
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task Limited_calls_are_counted_by_agency_service_and_reason_and_metered_as_rate_limited()
    {
        var registry = _workspace.Registry;
        registry = registry with
        {
            Agencies = [.. registry.Agencies, new Agency { Code = "LMX", Name = "Only the limits metrics test", Kind = AgencyKind.Other, DefaultRateLimit = new RateLimit { PerSecond = 0.1, Burst = 2 } }],
            Clients = [.. registry.Clients, new Client { Id = "lmx-app", Agency = "LMX", SecretHash = TestRegistry.SecretHash }],
            Grants = [.. registry.Grants, new Grant { Id = "lmx-limited", ConsumerAgency = "LMX", Service = "limited" }],
        };
        var gateway = await _workspace.StartGatewayAsync(registry, "--Metering:FlushInterval=00:00:00.100");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var token = await gateway.Data.TokenAsync("lmx-app");
        var before = MetricsText.ValueOf(await gateway.Admin.GetStringAsync("/metrics"), Series) ?? 0;
        var limited = 0;
        for (var i = 0; i < 6; i++)
        {
            using var response = await gateway.Data.CallAsync(HttpMethod.Get, "/limited/x", token);
            limited += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        // Burst 2 refilled at one call per 10 s: the four calls after the burst are limited.
        Assert.Equal(4, limited);
        Assert.Equal(before + limited, MetricsText.ValueOf(await gateway.Admin.GetStringAsync("/metrics"), Series) ?? 0);

        var records = await gateway.StoredRecordsAsync("LMX", since, r => r.Count >= 6);
        Assert.Equal(limited, records.Count(r => r.Outcome == Problems.Outcome.RateLimited && r.Status == 429));
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();
}
