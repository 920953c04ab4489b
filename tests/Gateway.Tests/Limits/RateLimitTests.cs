using System.Diagnostics;
using System.Net;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Limits;

/// <summary>Limits on one node: each test starts its own gateway so that buckets start full.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task Burst_is_admitted_then_429_with_retry_after_and_ratelimit_headers()
    {
        var client = (await _workspace.StartGatewayAsync()).Data;
        var token = await client.TokenAsync("rl-app");

        var statuses = new List<HttpStatusCode>();
        var remaining = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var path = UpstreamPath.Unique("/limited");
            using var response = await client.CallAsync(HttpMethod.Get, path, token);
            statuses.Add(response.StatusCode);
            Assert.Equal(response.StatusCode == HttpStatusCode.OK ? 1 : 0, _workspace.Upstream.ReceivedUnder(path));
            Assert.Equal("\"grant\";q=5;w=1, \"daily\";q=100000;w=86400", response.Headers.GetValues("RateLimit-Policy").Single());
            remaining.Add(response.Headers.GetValues("RateLimit").Single().Split(',')[0]);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests, "rate-limited");
                Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter!.Delta);
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);
        Assert.StartsWith("\"grant\";r=4;", remaining[0], StringComparison.Ordinal);
        Assert.StartsWith("\"grant\";r=0;", remaining[4], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bucket_refills_at_the_configured_rate_and_retry_after_is_enough()
    {
        var client = (await _workspace.StartGatewayAsync()).Data;
        var token = await client.TokenAsync("rl-app");
        for (var i = 0; i < 5; i++)
        {
            using var drain = await client.CallAsync(HttpMethod.Get, "/limited/x", token);
            Assert.Equal(HttpStatusCode.OK, drain.StatusCode);
        }

        using var refused = await client.CallAsync(HttpMethod.Get, "/limited/x", token);
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "rate-limited");
        await Task.Delay(refused.Headers.RetryAfter!.Delta!.Value);
        using var afterRetry = await client.CallAsync(HttpMethod.Get, "/limited/x", token);
        Assert.Equal(HttpStatusCode.OK, afterRetry.StatusCode);

        // Empty the bucket again; then, over two seconds at 5/s, about ten calls get through (refilled in 100 ms steps).
        Assert.Equal(HttpStatusCode.TooManyRequests, await Poll.UntilAsync(() => client.StatusOfAsync("/limited/x", token), s => s == HttpStatusCode.TooManyRequests));

        var admitted = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            using var response = await client.CallAsync(HttpMethod.Get, "/limited/x", token);
            admitted += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            await Task.Delay(20);
        }

        Assert.InRange(admitted, 8, 12);
    }

    [Fact]
    public async Task Agency_default_applies_to_grants_without_their_own_limit()
    {
        var client = (await _workspace.StartGatewayAsync()).Data;
        var token = await client.TokenAsync("rld-app");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.CallAsync(HttpMethod.Get, "/limited/x", token);
            statuses.Add(response.StatusCode);
            // RLD's default (2/s, burst 2) is the policy the caller is told.
            Assert.Equal("\"grant\";q=2;w=1", response.Headers.GetValues("RateLimit-Policy").Single());
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests, "rate-limited");
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Flooding_consumer_is_held_by_its_grant_and_the_other_consumer_stays_served()
    {
        var client = (await _workspace.StartGatewayAsync()).Data;
        var flood = await client.TokenAsync("rl-flood");
        var calm = await client.TokenAsync("rl-calm");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var floodStatuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();

        async Task FloodAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.CallAsync(HttpMethod.Get, "/capped/x", flood);
                floodStatuses.Add(response.StatusCode);
            }
        }

        var flooders = Enumerable.Range(0, 4).Select(_ => Task.Run(FloodAsync)).ToArray();
        var calmStatuses = new List<HttpStatusCode>();
        while (!stop.IsCancellationRequested)
        {
            using var response = await client.CallAsync(HttpMethod.Get, "/capped/x", calm);
            calmStatuses.Add(response.StatusCode);
            await Task.Delay(600);
        }

        await Task.WhenAll(flooders);
        Assert.All(calmStatuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Contains(HttpStatusCode.TooManyRequests, floodStatuses);
        Assert.DoesNotContain(HttpStatusCode.ServiceUnavailable, floodStatuses);
        // 6 burst + 6/s over 3 s: the flooder cannot get much more than 24 calls through; it gets at least its burst
        // (a busy machine may send it little more than that in 3 s, so the lower bound is the burst alone).
        Assert.InRange(floodStatuses.Count(s => s == HttpStatusCode.OK), 6, 27);
    }

    [Fact]
    public async Task Service_rate_cap_answers_503_when_all_consumers_together_exceed_it()
    {
        var client = (await _workspace.StartGatewayAsync()).Data;
        var token = await client.TokenAsync("rl-app");

        // 30 calls at once against a cap of 10/s (burst 10): a busy test machine must not spread them over seconds.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => client.CallAsync(HttpMethod.Get, "/capped/x", token)));
        var refilled = (int)Math.Ceiling(clock.Elapsed.TotalSeconds * 10);
        var statuses = responses.Select(r => r.StatusCode).ToList();
        var capped = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.ServiceUnavailable);

        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 10, 10 + refilled);
        Assert.NotNull(capped);
        await ProblemAssert.IsProblemAsync(capped!, HttpStatusCode.ServiceUnavailable, "capacity-exceeded");
        Assert.NotNull(capped!.Headers.RetryAfter);
    }

    [Fact]
    public async Task Concurrency_cap_refuses_the_call_beyond_it_with_503()
    {
        var client = (await _workspace.StartGatewayAsync()).Data;
        var token = await client.TokenAsync("rl-app");

        var calls = Enumerable.Range(0, 3).Select(_ => client.CallAsync(HttpMethod.Get, "/pause/x", token)).ToArray();
        var responses = await Task.WhenAll(calls);

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        await ProblemAssert.IsProblemAsync(responses.Single(r => r.StatusCode != HttpStatusCode.OK), HttpStatusCode.ServiceUnavailable, "capacity-exceeded");
        // The refused call never reached the provider: only the two admitted ones did.
        Assert.Equal(2, _workspace.Upstream.ReceivedUnder("/pause"));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Limits_follow_a_new_registry_snapshot_without_restart()
    {
        var gateway = await _workspace.StartGatewayAsync();
        var (client, services) = (gateway.Data, gateway.Services);
        var token = await client.TokenAsync("rld-app");
        async Task<int> AdmittedOfAsync(int calls)
        {
            var admitted = 0;
            for (var i = 0; i < calls; i++)
            {
                using var response = await client.CallAsync(HttpMethod.Get, "/limited/x", token);
                admitted += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            }

            return admitted;
        }

        Assert.Equal(2, await AdmittedOfAsync(5));

        var snapshots = services.GetRequiredService<RegistrySnapshotProvider>();
        var document = snapshots.Current.Document;
        snapshots.Publish(RegistrySnapshot.Compile(document with
        {
            Grants = document.Grants.Select(g => g.Id == "rld-limited" ? g with { RateLimit = new RateLimit { PerSecond = 1, Burst = 8 } } : g).ToList(),
        }, snapshots.Current.Revision + 1));

        Assert.Equal(8, await AdmittedOfAsync(10));
    }

    [Fact]
    public async Task With_limits_disabled_calls_over_burst_quota_and_concurrency_are_admitted_without_ratelimit_headers_and_metered()
    {
        var gateway = await _workspace.StartGatewayAsync("--Limits:Enabled=false", "--Metering:FlushInterval=00:00:00.100");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (rate, quota) = (await gateway.Data.TokenAsync("rl-app"), await gateway.Data.TokenAsync("qta-app"));

        // Over rl-limited's burst of 5, over QTA's daily quota of 3, over the narrow service's 2 concurrent calls.
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            responses.Add(await gateway.Data.CallAsync(HttpMethod.Get, "/limited/x", rate));
        }

        for (var i = 0; i < TestRegistry.QtaDailyQuota + 2; i++)
        {
            responses.Add(await gateway.Data.CallAsync(HttpMethod.Get, "/enterprise/v1/enterprises/0109999001", quota));
        }

        responses.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => gateway.Data.CallAsync(HttpMethod.Get, "/pause/x", rate))));

        Assert.All(responses, response =>
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("RateLimit-Policy"));
            Assert.False(response.Headers.Contains("RateLimit"));
            Assert.False(response.Headers.Contains("Retry-After"));
            response.Dispose();
        });
        var rl = await gateway.StoredRecordsAsync("RL", since, r => r.Count >= 11);
        Assert.Equal(11, rl.Count(r => r.Outcome == Problems.Outcome.Ok));
        var qta = await gateway.StoredRecordsAsync("QTA", since, r => r.Count >= TestRegistry.QtaDailyQuota + 2);
        Assert.Equal(TestRegistry.QtaDailyQuota + 2, qta.Count(r => r.Outcome == Problems.Outcome.Ok && r.Grant == "qta-enterprise"));
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();
}
