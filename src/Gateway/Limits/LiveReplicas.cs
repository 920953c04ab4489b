using Microsoft.Extensions.Options;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// How many replicas share the limits: what each replica divides by where it enforces a shared limit alone (the
/// services' concurrency caps always, every limit while Redis is down). <see cref="LimitsOptions.ReplicaCount"/> is the
/// fewest (an autoscaler's minimum); with Redis, the replicas count themselves there (<see cref="ReplicaHeartbeat"/>),
/// so the share follows an autoscaler above it. While Redis is down the last count stands. Never below the minimum:
/// replicas starting one by one, or fewer than planned after a crash, take a smaller share, never a larger one.
/// </summary>
internal sealed class LiveReplicas
{
    private readonly int _fewest;
    private int _count;

    public LiveReplicas(IOptions<LimitsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _fewest = options.Value.ReplicaCount;
        Counted(_fewest);
    }

    public int Count => Volatile.Read(ref _count);

    internal void Counted(int replicas)
    {
        var count = Math.Max(_fewest, replicas);
        Volatile.Write(ref _count, count);
        LimitsMetrics.Replicas.Set(count);
    }
}
