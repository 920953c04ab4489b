using Microsoft.Extensions.Options;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// Each replica's heartbeat in Redis, and the count of replicas whose heartbeat is recent: a sorted set of replica ids
/// scored by Redis's own clock (replicas' clocks may differ), entries older than three intervals dropped. A replica
/// takes its entry out as soon as it starts shutting down, when it stops getting new calls (not ready, draining), so
/// the others take its share at their next beat rather than after the drain and the expiry.
/// </summary>
internal sealed class ReplicaHeartbeat(
    SharedRedis redis, LiveReplicas replicas, IOptions<LimitsOptions> options, TimeProvider clock, IHostApplicationLifetime lifetime) : BackgroundService
{
    internal const string Key = "ndxp:replicas";

    private const string Beat = """
        local now = redis.call('TIME')
        local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        redis.call('ZADD', KEYS[1], ms, ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms - tonumber(ARGV[2]))
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return redis.call('ZCARD', KEYS[1])
        """;

    private const string Leave = "return redis.call('ZREM', KEYS[1], ARGV[1])";

    /// <summary>The pod's name (its host name) and a random part: unique per process, readable in Redis.</summary>
    private readonly string _id = $"{Environment.MachineName}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReplicaHeartbeatInterval;
        var expiry = (long)(interval.TotalMilliseconds * 3);
        using var beating = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            do
            {
                if (await redis.EvaluateAsync(Beat, [Key], [_id, expiry]) is { } count)
                {
                    replicas.Counted((int)count);
                }
            }
            while (await timer.WaitForNextTickAsync(beating.Token));
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }

        await redis.EvaluateAsync(Leave, [Key], [_id]);
    }
}
