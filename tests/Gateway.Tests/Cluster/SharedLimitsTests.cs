using System.Net;
using Ndxp.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>
/// Three gateways sharing one Redis and one PostgreSQL, as replicas in a cluster, each configured to enforce a third
/// of the limits on its own. Only limits kept in Redis let one replica admit the whole shared rate. The replicas'
/// clock stands still at noon, so that a quota's day cannot end during a test; buckets refill on Redis's own clock.
/// Their token endpoint would issue tokens of that clock, which validation (on the real clock) refuses: the tests call
/// with tokens signed by the replicas' key.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SharedLimitsTests(RedisServer redis, PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Replicas = 3;
    private readonly List<HttpClient> _replicas = [];
    private readonly List<HttpClient> _admins = [];
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 15, 12, 0, 0, TimeSpan.Zero));
    private GatewayWorkspace _workspace = null!;
    private TokenForge _tokens = null!;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        _workspace = await GatewayWorkspace.CreateAsync();
        var database = await postgres.CreateDatabaseAsync();
        for (var i = 0; i < Replicas; i++)
        {
            // Started one after the other: the first seeds the registry and creates the signing key the others load.
            var replica = await _workspace.StartGatewayAsync(
                _clock,
                $"--Identity:Issuer={SharedLimits.Issuer}",
                $"--Limits:Redis={redis.Configuration}",
                $"--Limits:ReplicaCount={Replicas}",
                $"--Storage:PostgresConnectionString={database}");
            _replicas.Add(replica.Data);
            _admins.Add(replica.Admin);
        }

        _tokens = new TokenForge(_workspace.DataDirectory, SharedLimits.Issuer);
    }

    public async Task DisposeAsync()
    {
        await _workspace.DisposeAsync();
        _tokens?.Dispose();
    }

    [Fact]
    public async Task One_replica_taking_every_call_of_a_grant_admits_the_full_shared_rate_kept_in_redis()
    {
        // A local limiter would admit a third of this here: the replica's share.
        var load = await SharedLimits.LoadAsync(_replicas[..1], _tokens.Signed("cl-rate", "CL"), "/limited/x", TimeSpan.FromSeconds(4), callersPerReplica: 8);

        SharedLimits.AssertAdmittedOnce(load, TestRegistry.ClusterRate, HttpStatusCode.TooManyRequests, output, $"1 of {Replicas} replicas");
        // The bucket the calls drew from is in Redis, drained.
        var tokens = await SharedLimits.TokensInRedisAsync(redis, "ndxp:rl:grant:cl-rate");
        Assert.NotNull(tokens);
        Assert.InRange(tokens.Value, 0, TestRegistry.ClusterRate / 2.0);
    }

    [Fact]
    public async Task Replicas_together_admit_the_shared_rate_within_ten_percent()
    {
        var load = await SharedLimits.LoadAsync(_replicas, _tokens.Signed("cl-rate", "CL"), "/limited/x", TimeSpan.FromSeconds(4));

        SharedLimits.AssertAdmittedOnce(load, TestRegistry.ClusterRate, HttpStatusCode.TooManyRequests, output, $"{Replicas} replicas");
        Assert.NotNull(await SharedLimits.TokensInRedisAsync(redis, "ndxp:rl:grant:cl-rate"));
    }

    [Fact]
    public async Task A_service_capacity_cap_is_shared_by_the_replicas()
    {
        // rl-app's own grant allows 100/s: the service's 10/s cap is what binds, shared by every replica.
        const int Cap = 10;
        var load = await SharedLimits.LoadAsync(_replicas[..1], _tokens.Signed("rl-app", "RL"), "/capped/x", TimeSpan.FromSeconds(4), callersPerReplica: 8);

        SharedLimits.AssertAdmittedOnce(load, Cap, HttpStatusCode.ServiceUnavailable, output, $"service cap through 1 of {Replicas} replicas");
        Assert.NotNull(await SharedLimits.TokensInRedisAsync(redis, "ndxp:rl:service:capped"));

        // While the cap is exhausted, it refuses on whichever replica a call lands, as capacity-exceeded.
        var token = _tokens.Signed("rl-app", "RL");
        var burst = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _replicas[1].CallAsync(HttpMethod.Get, "/capped/x", token)));
        var refused = burst.FirstOrDefault(r => r.StatusCode != HttpStatusCode.OK);
        Assert.True(refused is not null, "5 calls at once right after the cap was spent were all admitted");
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "capacity-exceeded");
        foreach (var response in burst)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Quota_is_enforced_exactly_across_replicas()
    {
        var statuses = (await SharedLimits.LoadAsync(_replicas, _tokens.Signed("cl-quota", "CL"), "/limited/x", TimeSpan.FromSeconds(2))).Statuses;

        Assert.Equal(TestRegistry.ClusterQuota, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"status {s}"));
        using var refused = await _replicas[2].CallAsync(HttpMethod.Get, "/limited/x", _tokens.Signed("cl-quota", "CL"));
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "quota-exceeded");
    }

    [Fact]
    public async Task Redis_outage_gives_local_limits_and_no_5xx_and_shared_limits_return_with_redis()
    {
        await redis.StopAsync();
        List<HttpStatusCode> duringOutage;
        try
        {
            duringOutage = (await SharedLimits.LoadAsync(_replicas, _tokens.Signed("cl-outage", "CL"), "/limited/x", TimeSpan.FromSeconds(2))).Statuses;

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
        Assert.InRange(duringOutage.Count(s => s == HttpStatusCode.OK), TestRegistry.ClusterRate / 2, (TestRegistry.ClusterRate * 3) + 10);

        // Back to Redis within a few probe intervals: the next calls leave their bucket in the new (empty) Redis.
        var token = _tokens.Signed("cl-outage", "CL");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await Poll.UntilAsync(async () =>
        {
            foreach (var replica in _replicas)
            {
                await replica.StatusOfAsync("/limited/x", token);
            }

            return await connection.GetDatabase().KeyExistsAsync("ndxp:rl:grant:cl-outage");
        }, "limits returned to Redis");
    }
}
