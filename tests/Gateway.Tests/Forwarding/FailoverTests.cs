using System.Net;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Forwarding;

/// <summary>A service with two provider instances keeps serving from the one left when the other dies.</summary>
public sealed class FailoverTests : IAsyncLifetime
{
    private const string ServiceId = "twin-failover";
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task When_one_of_two_destinations_dies_the_health_check_takes_it_out_and_every_call_is_served_by_the_survivor()
    {
        var survivor = await _workspace.StartUpstreamAsync("survivor");
        var doomed = await _workspace.StartUpstreamAsync("doomed");
        var registry = _workspace.Registry;
        registry = registry with
        {
            Services = [.. registry.Services, new Service { Id = ServiceId, Provider = "BCA", PathPrefix = "/twin", Destinations = [survivor.Url, doomed.Url], HealthCheckPath = "/healthz" }],
            Grants = [.. registry.Grants, new Grant { Id = "vcb-twin", ConsumerAgency = "VCB", Service = ServiceId }],
        };
        var gateway = await _workspace.StartGatewayAsync(registry, "--Forwarding:HealthCheckInterval=00:00:00.250");
        var token = await gateway.Data.TokenAsync("vcb-ekyc");
        async Task<string?> ServedByAsync()
        {
            using var response = await gateway.Data.CallAsync(HttpMethod.Get, "/twin/x", token);
            return response.StatusCode == HttpStatusCode.OK ? response.Headers.GetValues(TestUpstream.NameHeader).Single() : null;
        }

        // Both instances are in rotation to begin with.
        var seen = new HashSet<string?>();
        await Poll.UntilAsync(async () => seen.Add(await ServedByAsync()) && seen.Contains("survivor") && seen.Contains("doomed"), "both destinations serving");

        await doomed.DisposeAsync();
        await Poll.UntilAsync(async () => MetricsText.ValueOf(await gateway.Admin.GetStringAsync("/metrics"), $"ndxp_gateway_provider_destinations_healthy{{service=\"{ServiceId}\"}}") == 1, "the dead destination marked unhealthy");

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal("survivor", await ServedByAsync());
        }
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();
}
