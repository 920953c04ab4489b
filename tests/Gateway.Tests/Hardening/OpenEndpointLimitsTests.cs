using System.Diagnostics.Metrics;
using System.Net;
using Ndxp.Gateway.Hardening;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>
/// The admin plane's open endpoints serve a few requests at a time per policy and queue a few more; the next one is
/// refused at once. The permits are held by real requests to an endpoint of the test's under the same policy, which
/// it answers only when told, so that requests wait in the queue for as long as it says and not a moment less; the
/// rate limiting middleware's own metrics (of this gateway's meters only) say when they are queued.
/// </summary>
public sealed class OpenEndpointLimitsTests : IAsyncLifetime
{
    private const string HeldPath = "/test/held/";
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RateLimitingGauges _gauges = new();
    private GatewayWorkspace _workspace = null!;
    private TestGateway _gateway = null!;
    private int _entered;

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _gateway = await _workspace.StartGatewayAsync(app =>
        {
            foreach (var policy in new[] { OpenEndpointLimits.MetricsPolicy, OpenEndpointLimits.DocumentsPolicy })
            {
                app.MapGet(HeldPath + policy, async (HttpContext context) =>
                {
                    Interlocked.Increment(ref _entered);
                    await _release.Task.WaitAsync(context.RequestAborted);
                }).OnAdminPlane().RequireRateLimiting(policy);
            }
        });
        _gauges.Listen(_gateway.Services.GetRequiredService<IMeterFactory>());
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        _gauges.Dispose();
        await _workspace.DisposeAsync();
    }

    [Theory]
    [InlineData("/metrics", OpenEndpointLimits.MetricsPolicy, OpenEndpointLimits.MetricsAtOnce, OpenEndpointLimits.MetricsQueued)]
    [InlineData("/openapi/v1.json", OpenEndpointLimits.DocumentsPolicy, OpenEndpointLimits.DocumentsAtOnce, OpenEndpointLimits.DocumentsQueued)]
    [InlineData("/docs/index.html", OpenEndpointLimits.DocumentsPolicy, OpenEndpointLimits.DocumentsAtOnce, OpenEndpointLimits.DocumentsQueued)]
    public async Task With_every_permit_taken_and_the_queue_full_a_request_is_refused_503_at_once_and_served_once_they_are_free(
        string path, string policy, int atOnce, int queued)
    {
        var held = Enumerable.Range(0, atOnce).Select(_ => _gateway.Admin.GetAsync(HeldPath + policy)).ToList();
        await Poll.UntilAsync(() => Volatile.Read(ref _entered) == atOnce && _gauges.Leases(policy) == atOnce, $"{atOnce} requests holding the permits of {policy}");

        var waiting = Enumerable.Range(0, queued).Select(_ => _gateway.Admin.GetAsync(path)).ToList();
        await Poll.UntilAsync(() => _gauges.Queued(policy) == queued, $"{queued} requests for {path} queued");

        // Answered while every permit is still held: refused without waiting for one.
        using (var refused = await _gateway.Admin.GetAsync(path))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "endpoint-busy");
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        }

        // Health and the other policy's endpoints are not held up.
        using (var health = await _gateway.Admin.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        var other = policy == OpenEndpointLimits.MetricsPolicy ? "/openapi/v1.json" : "/metrics";
        using (var otherPolicy = await _gateway.Admin.GetAsync(other))
        {
            Assert.Equal(HttpStatusCode.OK, otherPolicy.StatusCode);
        }

        Assert.All(waiting, request => Assert.False(request.IsCompleted, "a queued request was answered while every permit was held"));
        _release.SetResult();
        foreach (var answer in await Task.WhenAll(held.Concat(waiting)))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            answer.Dispose();
        }

        using var after = await _gateway.Admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        // A permit is returned once its answer is written, which may be just after the client has read it.
        await Poll.UntilAsync(() => _gauges.Leases(policy) == 0 && _gauges.Queued(policy) == 0, "every permit returned");
    }

    /// <summary>The rate limiting middleware's requests holding a lease and waiting for one, per policy, of one gateway's meters.</summary>
    private sealed class RateLimitingGauges : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<(string Instrument, string Policy), long> _values = [];
        private readonly Lock _gate = new();

        public void Listen(IMeterFactory gateway)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Microsoft.AspNetCore.RateLimiting" && ReferenceEquals(instrument.Meter.Scope, gateway)
                    && instrument.Name is "aspnetcore.rate_limiting.active_request_leases" or "aspnetcore.rate_limiting.queued_requests")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, change, tags, _) =>
            {
                var policy = "";
                foreach (var tag in tags)
                {
                    if (tag.Key == "aspnetcore.rate_limiting.policy")
                    {
                        policy = tag.Value as string ?? "";
                    }
                }

                lock (_gate)
                {
                    _values[(instrument.Name, policy)] = _values.GetValueOrDefault((instrument.Name, policy)) + change;
                }
            });
            _listener.Start();
        }

        public long Leases(string policy) => Value("aspnetcore.rate_limiting.active_request_leases", policy);

        public long Queued(string policy) => Value("aspnetcore.rate_limiting.queued_requests", policy);

        public void Dispose() => _listener.Dispose();

        private long Value(string instrument, string policy)
        {
            lock (_gate)
            {
                return _values.GetValueOrDefault((instrument, policy));
            }
        }
    }
}
