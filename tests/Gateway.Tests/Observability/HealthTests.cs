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
        var dataPort = FreePort.Next();
        var adminPort = FreePort.Next();
        var app = await _workspace.CreateGatewayAsync(await _workspace.WriteSeedAsync(_workspace.Registry), dataPort, adminPort, "--Gateway:ShutdownDelay=00:00:02");
        await app.StartAsync();
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
        using var data = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dataPort}") };
        var token = await data.TokenAsync("vcb-ekyc");
        using (var ready = await admin.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var stopping = Task.Run(() => app.StopAsync());
        HttpStatusCode readiness = HttpStatusCode.OK;
        string body = "";
        for (var attempt = 0; attempt < 20 && readiness == HttpStatusCode.OK; attempt++)
        {
            await Task.Delay(50);
            using var ready = await admin.GetAsync("/readyz");
            readiness = ready.StatusCode;
            body = await ready.Content.ReadAsStringAsync();
        }

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
        var adminPort = FreePort.Next();
        var app = await _workspace.CreateGatewayAsync(await _workspace.WriteSeedAsync(_workspace.Registry), FreePort.Next(), adminPort);
        await app.StartAsync();
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };

        using var json = JsonDocument.Parse(await admin.GetStringAsync("/readyz"));
        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal(["draining", "redis", "registry", "store"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/healthz")).StatusCode);
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();
}
