using System.Net;
using Ndxp.Gateway.Hardening;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Hardening;

/// <summary>
/// The admin plane's open endpoints serve a few requests at a time per group and queue a few more; the next one is
/// refused at once. The test holds the group's permits itself (as requests being answered would), so that requests
/// wait in the queue for as long as it says and not a moment less.
/// </summary>
public sealed class OpenEndpointConcurrencyTests : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _gateway = await _workspace.StartGatewayAsync();
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Theory]
    [InlineData("/metrics", nameof(OpenEndpoint.Metrics), OpenEndpointConcurrency.MetricsAtOnce, OpenEndpointConcurrency.MetricsQueued)]
    [InlineData("/openapi/v1.json", nameof(OpenEndpoint.Documents), OpenEndpointConcurrency.DocumentsAtOnce, OpenEndpointConcurrency.DocumentsQueued)]
    [InlineData("/docs/index.html", nameof(OpenEndpoint.Documents), OpenEndpointConcurrency.DocumentsAtOnce, OpenEndpointConcurrency.DocumentsQueued)]
    public async Task With_every_permit_taken_and_the_queue_full_a_request_is_refused_503_at_once_and_served_once_they_are_free(
        string path, string groupName, int atOnce, int queued)
    {
        var group = Enum.Parse<OpenEndpoint>(groupName);
        var limiter = _gateway.Services.GetRequiredService<OpenEndpointConcurrency>().For(group);
        var held = Enumerable.Range(0, atOnce).Select(_ => limiter.AttemptAcquire()).ToList();
        Assert.All(held, lease => Assert.True(lease.IsAcquired));
        Assert.False(limiter.AttemptAcquire().IsAcquired);

        var waiting = Enumerable.Range(0, queued).Select(_ => _gateway.Admin.GetAsync(path)).ToList();
        await Poll.UntilAsync(() => limiter.GetStatistics()!.CurrentQueuedCount == queued, $"{queued} requests for {path} queued");

        // Answered while every permit is still held: refused without waiting for one.
        using (var refused = await _gateway.Admin.GetAsync(path))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "endpoint-busy");
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        }

        // Health and the other group are not held up.
        using (var health = await _gateway.Admin.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        var other = group == OpenEndpoint.Metrics ? "/openapi/v1.json" : "/metrics";
        using (var otherGroup = await _gateway.Admin.GetAsync(other))
        {
            Assert.Equal(HttpStatusCode.OK, otherGroup.StatusCode);
        }

        Assert.All(waiting, request => Assert.False(request.IsCompleted, "a queued request was answered while every permit was held"));
        held.ForEach(lease => lease.Dispose());
        foreach (var answer in await Task.WhenAll(waiting))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            answer.Dispose();
        }

        using var after = await _gateway.Admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        // A permit is returned once its answer is written, which may be just after the client has read it.
        await Poll.UntilAsync(() => limiter.GetStatistics()!.CurrentAvailablePermits == atOnce, "every permit returned");
    }
}
