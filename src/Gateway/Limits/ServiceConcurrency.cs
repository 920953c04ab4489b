using System.Threading.RateLimiting;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// The calls in flight to each service with a <see cref="CapacityCap.MaxConcurrent"/>. Counted per replica, each taking
/// its share of the cap (the cap divided by the replicas counted, <see cref="LiveReplicas"/>): a shared counter would
/// cost two Redis round trips per call. A changed count starts a new partition; calls in flight release to the old.
/// </summary>
internal sealed class ServiceConcurrency(LiveReplicas replicas) : IDisposable
{
    private readonly PartitionedRateLimiter<(string Service, int Limit, int Share)> _inFlight =
        PartitionedRateLimiter.Create<(string Service, int Limit, int Share), (string Service, int Limit, int Share)>(key =>
            RateLimitPartition.GetConcurrencyLimiter(key, k => new ConcurrencyLimiterOptions { PermitLimit = Math.Max(1, k.Limit / k.Share), QueueLimit = 0 }));

    /// <summary>A lease to hold for the call's duration; not acquired when the service is at its cap.</summary>
    public RateLimitLease? TryEnter(Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Capacity?.MaxConcurrent is { } limit ? _inFlight.AttemptAcquire((service.Id, limit, replicas.Count)) : null;
    }

    public void Dispose() => _inFlight.Dispose();
}
