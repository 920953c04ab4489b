using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Hosting;

/// <summary>
/// A replica stopped as Kubernetes stops a pod (SIGTERM): not ready at once, still serving for the shutdown delay while
/// telling keep-alive clients to reconnect elsewhere, then no new connections, calls in flight finished up to the drain
/// timeout, metering flushed, exit 0 within the delay and the drain timeout.
/// </summary>
public sealed class DrainTests : IAsyncLifetime
{
    private static readonly TimeSpan ShutdownDelay = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(4);
    private GatewayWorkspace _workspace = null!;
    private TestUpstream _provider = null!;

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _provider = await _workspace.StartUpstreamAsync("held");
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _workspace.DisposeAsync();
    }

    [Fact]
    public async Task Sigterm_keeps_serving_with_connection_close_then_refuses_connections_finishes_the_call_in_flight_and_exits_0()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var gateway = await StartAsync();
        var token = await gateway.Data.TokenAsync("vcb-ekyc");
        var answered = new List<string>();
        using (var first = await gateway.Data.CallAsync(HttpMethod.Get, "/echo/first", token, "ekyc"))
        {
            answered.Add(await AnsweredAsync(first));
            Assert.False(first.Headers.ConnectionClose ?? false, "a connection was closed before shutdown");
        }

        using var inFlightClient = new HttpClient { BaseAddress = gateway.Data.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var inFlight = inFlightClient.CallAsync(HttpMethod.Get, "/hold/in-flight", token);
        await Poll.UntilAsync(() => _provider.Held == 1, "the provider holds the call");

        var stopwatch = Stopwatch.StartNew();
        await gateway.TerminateAsync();
        await Poll.UntilAsync(
            async () =>
            {
                using var ready = await gateway.Admin.GetAsync("/readyz");
                return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
            },
            "not ready at once after SIGTERM",
            TimeSpan.FromSeconds(1));
        // Within the delay: still served, on the keep-alive connection of the first call, which is asked to close.
        using (var duringDelay = await gateway.Data.CallAsync(HttpMethod.Get, "/echo/during-delay", token, "ekyc"))
        {
            Assert.True(stopwatch.Elapsed < ShutdownDelay, $"the call during the delay came {stopwatch.Elapsed} after SIGTERM");
            answered.Add(await AnsweredAsync(duringDelay));
            Assert.True(duringDelay.Headers.ConnectionClose, "a call during the shutdown delay did not get Connection: close");
        }

        // After the delay: no new connection is accepted, while the call in flight still waits at its provider.
        await Poll.UntilAsync(() => Refused(gateway.DataPort), "new connections refused after the delay", ShutdownDelay + TimeSpan.FromSeconds(2));
        Assert.True(stopwatch.Elapsed >= ShutdownDelay, $"connections refused {stopwatch.Elapsed} after SIGTERM, within the shutdown delay");
        Assert.Equal(1, _provider.Held);
        _provider.ReleaseHeld();
        using (var finished = await inFlight)
        {
            answered.Add(await AnsweredAsync(finished));
        }

        Assert.Equal(0, await gateway.WaitForExitAsync(ShutdownDelay + DrainTimeout));
        await StoredUsage.AssertExactlyAsync(SqliteStore(), "VCB", since, answered);
    }

    [Fact]
    public async Task A_call_still_in_flight_when_the_drain_timeout_ends_is_cut_and_the_process_exits_0_in_time()
    {
        var gateway = await StartAsync();
        var token = await gateway.Data.TokenAsync("vcb-ekyc");
        var inFlight = gateway.Data.CallAsync(HttpMethod.Get, "/hold/never-released", token);
        await Poll.UntilAsync(() => _provider.Held == 1, "the provider holds the call");

        var stopwatch = Stopwatch.StartNew();
        await gateway.TerminateAsync();
        var exitCode = await gateway.WaitForExitAsync(ShutdownDelay + DrainTimeout + TimeSpan.FromSeconds(5));

        Assert.Equal(0, exitCode);
        Assert.InRange(stopwatch.Elapsed, ShutdownDelay + DrainTimeout - TimeSpan.FromSeconds(0.5), ShutdownDelay + DrainTimeout + TimeSpan.FromSeconds(3));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => inFlight);
    }

    private async Task<GatewayProcess> StartAsync()
    {
        var registry = _workspace.Registry with
        {
            Services = [.. _workspace.Registry.Services, new Service { Id = "held", Provider = "BCA", PathPrefix = "/hold", Destinations = [_provider.Url], TimeoutMs = 60_000 }],
            Grants = [.. _workspace.Registry.Grants, new Grant { Id = "vcb-held", ConsumerAgency = "VCB", Service = "held" }],
        };
        return await _workspace.StartProcessAsync(
            registry, $"--Gateway:ShutdownDelay={ShutdownDelay}", $"--Gateway:DrainTimeout={DrainTimeout}", "--Metering:FlushInterval=00:00:30");
    }

    private static async Task<string> AnsweredAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.GetValues("X-Transaction-Id").Single();
    }

    private static bool Refused(int port)
    {
        try
        {
            using var socket = new TcpClient();
            socket.Connect(IPAddress.Loopback, port);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }

    private SqliteUsageStore SqliteStore() => new(Path.Combine(_workspace.DataDirectory, "gateway.db"), TimeSpan.FromSeconds(5), "test-reader", TimeProvider.System);
}
