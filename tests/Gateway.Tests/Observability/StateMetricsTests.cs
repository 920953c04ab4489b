using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Observability;

/// <summary>The series read from the gateway's state follow the registry: a removed service's go with it.</summary>
public sealed class StateMetricsTests(AdminFixture gateway) : IClassFixture<AdminFixture>
{
    [Fact]
    public async Task A_removed_service_leaves_no_destination_series_behind()
    {
        const string Series = "ndxp_gateway_provider_destinations{service=\"state-metrics-gone\"}";
        const string Healthy = "ndxp_gateway_provider_destinations_healthy{service=\"state-metrics-gone\"}";
        await gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/services", $$"""
            {"id":"state-metrics-gone","provider":"BCA","pathPrefix":"/state-metrics-gone/v1","destinations":["{{gateway.Workspace.UpstreamUrl}}"]}
            """);

        var registered = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Equal(1, MetricsText.ValueOf(registered, Series));
        Assert.Equal(1, MetricsText.ValueOf(registered, Healthy));

        await gateway.Admin.ChangeAsync(HttpMethod.Delete, "/admin/v1/services/state-metrics-gone", ifMatch: "*");

        var removed = await gateway.Admin.GetStringAsync("/metrics");
        Assert.Null(MetricsText.ValueOf(removed, Series));
        Assert.Null(MetricsText.ValueOf(removed, Healthy));
    }
}
