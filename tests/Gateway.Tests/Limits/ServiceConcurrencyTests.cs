using Microsoft.Extensions.Options;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Tests.Limits;

/// <summary>A service's concurrency cap is shared by the replicas counted: each takes its share, and a new count applies to the next calls.</summary>
public sealed class ServiceConcurrencyTests
{
    private static readonly Service Capped = new()
    {
        Id = "capped", Provider = "P", PathPrefix = "/capped", Destinations = ["http://127.0.0.1:1"], Capacity = new CapacityCap { MaxConcurrent = 6 },
    };

    [Fact]
    public void Each_replica_admits_its_share_of_the_cap_for_the_replicas_counted_now()
    {
        var replicas = new LiveReplicas(Options.Create(new LimitsOptions { ReplicaCount = 1 }));
        using var concurrency = new ServiceConcurrency(replicas);

        replicas.Counted(3);
        var atThree = Enter(concurrency, 10);
        replicas.Counted(2);
        var atTwo = Enter(concurrency, 10);

        Assert.Equal(2, atThree.Count(lease => lease.IsAcquired));
        Assert.Equal(3, atTwo.Count(lease => lease.IsAcquired));
        foreach (var lease in atThree.Concat(atTwo))
        {
            lease.Dispose();
        }
    }

    private static List<System.Threading.RateLimiting.RateLimitLease> Enter(ServiceConcurrency concurrency, int calls) =>
        [.. Enumerable.Range(0, calls).Select(_ => concurrency.TryEnter(Capped)!)];
}
