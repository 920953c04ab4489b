using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// The calls in flight to each service with a <see cref="CapacityCap.MaxConcurrent"/>. Counted per replica (each
/// takes its share of the cap): a shared counter would cost two Redis round trips per call.
/// </summary>
internal sealed class ServiceConcurrency : IDisposable
{
    private readonly PartitionedRateLimiter<(string Service, int Limit)> _inFlight;

    public ServiceConcurrency(IOptions<LimitsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var share = options.Value.ReplicaCount;
        _inFlight = PartitionedRateLimiter.Create<(string Service, int Limit), (string Service, int Limit)>(key =>
            RateLimitPartition.GetConcurrencyLimiter(key, k => new ConcurrencyLimiterOptions { PermitLimit = Math.Max(1, k.Limit / share), QueueLimit = 0 }));
    }

    /// <summary>A lease to hold for the call's duration; not acquired when the service is at its cap.</summary>
    public RateLimitLease? TryEnter(Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Capacity?.MaxConcurrent is { } limit ? _inFlight.AttemptAcquire((service.Id, limit)) : null;
    }

    public void Dispose() => _inFlight.Dispose();
}
