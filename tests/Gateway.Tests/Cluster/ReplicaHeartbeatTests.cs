using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>
/// Replicas count themselves in Redis, so that what each enforces alone (a service's concurrency cap; every limit while
/// Redis is down) is its share of the replicas really running, however an autoscaler changes them: a new replica is
/// counted at its first beat, a crashed one leaves the count after three intervals, a stopped one at once, while Redis
/// is down the last count stands, and the count never goes below the configured minimum.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplicaHeartbeatTests(RedisServer redis) : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly List<(SharedRedis Redis, ReplicaHeartbeat Heartbeat, LiveReplicas Replicas, ApplicationLifetime Lifetime)> _replicas = [];

    public async Task InitializeAsync() => await redis.FlushAsync();

    [Fact]
    public async Task Replicas_count_themselves_a_crashed_one_expires_the_count_stands_while_redis_is_down_and_a_stopped_one_leaves_down_to_the_minimum()
    {
        for (var i = 0; i < 3; i++)
        {
            await StartReplicaAsync();
        }

        await CountedByAllAsync(3);

        // A replica that died without a word: an entry nobody renews, dropped after three intervals.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        var time = (RedisResult[])(await database.ExecuteAsync("TIME"))!;
        var now = ((long)time[0] * 1000) + ((long)time[1] / 1000);
        await database.SortedSetAddAsync(ReplicaHeartbeat.Key, "crashed", now);
        await CountedByAllAsync(4);
        await CountedByAllAsync(3);

        await redis.StopAsync();
        try
        {
            await Poll.UntilAsync(() => _replicas.All(r => r.Redis.InFallback), "the replicas noticed Redis is down");
            Assert.All(_replicas, r => Assert.Equal(3, r.Replicas.Count));
        }
        finally
        {
            await redis.StartAsync();
        }

        // A replica shutting down takes itself out at once; the count never goes below Limits:ReplicaCount (2).
        await Poll.UntilAsync(async () => await database.SortedSetLengthAsync(ReplicaHeartbeat.Key) == 3, "every replica beats again");
        await StopReplicaAsync(database);
        await CountedByAllAsync(2);
        await StopReplicaAsync(database);
        await Poll.UntilAsync(async () => await database.SortedSetLengthAsync(ReplicaHeartbeat.Key) == 1 && _replicas[0].Redis.InFallback == false, "the last replica beats");
        Assert.Equal(2, _replicas[0].Replicas.Count);
    }

    public async Task DisposeAsync()
    {
        foreach (var (shared, heartbeat, _, _) in _replicas)
        {
            await heartbeat.StopAsync(CancellationToken.None);
            heartbeat.Dispose();
            await shared.DisposeAsync();
        }
    }

    private async Task StartReplicaAsync()
    {
        var options = Options.Create(new LimitsOptions
        {
            Redis = redis.Configuration, ReplicaCount = 2, ReplicaHeartbeatInterval = Interval, RedisProbeInterval = Interval,
            RedisTimeout = TimeSpan.FromSeconds(5),
        });
        var shared = new SharedRedis(options, NullLogger<SharedRedis>.Instance);
        var replicas = new LiveReplicas(options);
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var heartbeat = new ReplicaHeartbeat(shared, replicas, options, TimeProvider.System, lifetime);
        _replicas.Add((shared, heartbeat, replicas, lifetime));
        await heartbeat.StartAsync(CancellationToken.None);
    }

    /// <summary>Shutdown begins (not ready, draining): the replica leaves the count then, before its hosted services stop.</summary>
    private async Task StopReplicaAsync(IDatabase database)
    {
        var (shared, heartbeat, _, lifetime) = _replicas[^1];
        _replicas.RemoveAt(_replicas.Count - 1);
        lifetime.StopApplication();
        await Poll.UntilAsync(async () => await database.SortedSetLengthAsync(ReplicaHeartbeat.Key) == _replicas.Count, "the stopping replica left the count");
        await heartbeat.StopAsync(CancellationToken.None);
        heartbeat.Dispose();
        await shared.DisposeAsync();
    }

    private Task CountedByAllAsync(int count) =>
        Poll.UntilAsync(() => _replicas.All(r => r.Replicas.Count == count), $"every replica counts {count}");
}
