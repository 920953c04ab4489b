using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Ndxp.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;
using StackExchange.Redis;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>Three gateways on different ports sharing one Redis and one PostgreSQL, as replicas in a cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SharedLimitsTests(RedisServer redis, PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Replicas = 3;
    private readonly List<HttpClient> _replicas = [];
    private readonly List<HttpClient> _admins = [];
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        var database = await postgres.CreateDatabaseAsync();
        for (var i = 0; i < Replicas; i++)
        {
            // Started one after the other: the first seeds the registry and creates the signing key the others load.
            var replica = await _workspace.StartGatewayAsync(
                $"--Limits:Redis={redis.Configuration}",
                $"--Limits:ReplicaCount={Replicas}",
                $"--Storage:PostgresConnectionString={database}");
            _replicas.Add(replica.Data);
            _admins.Add(replica.Admin);
        }
    }

    [Fact]
    public async Task Replicas_together_admit_the_shared_rate_within_ten_percent()
    {
        var (statuses, elapsed) = await LoadAsync("cl-rate", TimeSpan.FromSeconds(4));

        var admitted = statuses.Count(s => s == HttpStatusCode.OK);
        var expected = TestRegistry.ClusterRate + (TestRegistry.ClusterRate * elapsed.TotalSeconds);
        output.WriteLine($"{Replicas} replicas, {statuses.Count} calls in {elapsed.TotalSeconds:0.00} s: {admitted} admitted, {expected:0} expected");
        Assert.InRange(admitted, expected * 0.9, expected * 1.1);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"status {s}"));
    }

    [Fact]
    public async Task Quota_is_enforced_exactly_across_replicas()
    {
        var (statuses, _) = await LoadAsync("cl-quota", TimeSpan.FromSeconds(2));

        Assert.Equal(TestRegistry.ClusterQuota, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task Redis_outage_gives_local_limits_and_no_5xx_and_shared_limits_return_with_redis()
    {
        await redis.StopAsync();
        List<HttpStatusCode> duringOutage;
        try
        {
            (duringOutage, _) = await LoadAsync("cl-outage", TimeSpan.FromSeconds(2));

            // Still ready (Redis down must not take every replica out of the load balancer), but it says so.
            using var ready = await _admins[0].GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains("\"redis\":{\"status\":\"Degraded\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await redis.StartAsync();
        }

        Assert.All(duringOutage, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"status {s} during the outage"));
        Assert.Contains(HttpStatusCode.TooManyRequests, duringOutage);
        // Each replica allowed a third of the burst and rate: together roughly the shared limit, never 3 times it.
        Assert.InRange(duringOutage.Count(s => s == HttpStatusCode.OK), 1, (TestRegistry.ClusterRate * 3) + 10);

        // Back to Redis within a few probe intervals: the next calls leave their bucket in the new Redis.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var shared = false;
        for (var attempt = 0; attempt < 50 && !shared; attempt++)
        {
            await Task.Delay(100);
            foreach (var replica in _replicas)
            {
                using var response = await replica.CallAsync(HttpMethod.Get, "/limited/x", await replica.TokenAsync("cl-outage"));
            }

            shared = await connection.GetDatabase().KeyExistsAsync("ndxp:rl:grant:cl-outage");
        }

        Assert.True(shared, "limits did not return to Redis");
    }

    public async Task DisposeAsync()
    {
        await _workspace.DisposeAsync();
    }

    /// <summary>Four concurrent callers per replica, round and round, for the duration.</summary>
    private async Task<(List<HttpStatusCode> Statuses, TimeSpan Elapsed)> LoadAsync(string clientId, TimeSpan duration)
    {
        var tokens = await Task.WhenAll(_replicas.Select(r => r.TokenAsync(clientId)));
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var clock = Stopwatch.StartNew();
        var callers = _replicas.SelectMany((replica, i) => Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                using var response = await replica.CallAsync(HttpMethod.Get, "/limited/x", tokens[i]);
                statuses.Add(response.StatusCode);
            }
        })));
        await Task.WhenAll(callers);
        return ([.. statuses], clock.Elapsed);
    }
}
