using System.Net;
using System.Text.Json;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Observability;

public sealed class HealthTests : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task On_shutdown_the_replica_is_not_ready_but_still_serves_for_the_shutdown_delay()
    {
        var gateway = await _workspace.StartGatewayAsync("--Gateway:ShutdownDelay=00:00:02");
        var (admin, data) = (gateway.Admin, gateway.Data);
        var token = await data.TokenAsync("vcb-ekyc");
        using (var ready = await admin.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var stopping = Task.Run(gateway.StopAsync);
        var (readiness, body) = await Poll.UntilAsync(async () =>
        {
            using var ready = await admin.GetAsync("/readyz");
            return (ready.StatusCode, await ready.Content.ReadAsStringAsync());
        }, ready => ready.StatusCode != HttpStatusCode.OK, TimeSpan.FromSeconds(1.5));

        using var duringDelay = await data.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "ekyc");
        await stopping;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("checks").GetProperty("draining").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, duringDelay.StatusCode);
    }

    [Fact]
    public async Task Readiness_names_each_check_and_liveness_answers()
    {
        var admin = (await _workspace.StartGatewayAsync()).Admin;

        using var json = JsonDocument.Parse(await admin.GetStringAsync("/readyz"));
        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal(["draining", "redis", "registry", "store"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/healthz")).StatusCode);
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();
}
