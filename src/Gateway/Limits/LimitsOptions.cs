using System.ComponentModel.DataAnnotations;

namespace Ndxp.Gateway.Limits;

/// <summary>Rate limits, capacity caps and quotas. Bound from the <c>Limits</c> section.</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Off: no rate limits, caps or quotas at all (benchmarks compare with it).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The fewest replicas that share the limits (an autoscaler's minimum); with Redis, more are counted there as they
    /// start. Each replica enforces a service's concurrency cap, and every limit while Redis is unreachable, divided by
    /// the number of replicas, so that together they stay near the configured totals.
    /// </summary>
    [Range(1, 1000)]
    public int ReplicaCount { get; set; } = 1;

    /// <summary>With Redis, how often each replica says it is alive; a replica silent for three intervals is not counted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ReplicaHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Redis (StackExchange.Redis configuration string) holding the limits shared by all replicas; none: local limits.</summary>
    public string? Redis { get; set; }

    /// <summary>A Redis command slower than this counts as a failure and the call is limited locally.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Refusals of one client (401, 403, 4xx and 429 from the gateway) recorded one by one, per second on average;
    /// beyond the budget they are counted in the hourly aggregates only and the client's calls get a cheap 429.
    /// </summary>
    [Range(0.01, 10_000)]
    public double RefusalsPerSecond { get; set; } = 1;

    /// <summary>Refusals of one client recorded one by one in a burst.</summary>
    [Range(1, 100_000)]
    public int RefusalBurst { get; set; } = 60;

    /// <summary>How often a replica in fallback checks whether Redis is back.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RedisProbeInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
