namespace Ndxp.Gateway.Registry;

/// <summary>A token bucket: <see cref="PerSecond"/> calls a second on average, up to <see cref="Burst"/> at once.</summary>
public sealed record RateLimit
{
    public required double PerSecond { get; init; }

    public required int Burst { get; init; }

    /// <summary>Seconds an empty bucket takes to fill up again: the window of the RateLimit-Policy header.</summary>
    public double WindowSeconds => Burst / PerSecond;
}

/// <summary>What a provider's database can take from all consumers together.</summary>
public sealed record CapacityCap
{
    /// <summary>Calls in flight at once across all consumers (per replica: divided by the replica count).</summary>
    public int? MaxConcurrent { get; init; }

    /// <summary>Total rate across all consumers; shared by all replicas when Redis is configured.</summary>
    public RateLimit? Rate { get; init; }
}
