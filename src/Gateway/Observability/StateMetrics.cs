using Ndxp.Gateway.Registry;
using Prometheus;
using Yarp.ReverseProxy;

namespace Ndxp.Gateway.Observability;

/// <summary>Metrics read from the gateway's state at scrape time: provider instance health, the registry in use, dropped log events.</summary>
internal static class StateMetrics
{
    public static void Register(IServiceProvider services)
    {
        var proxyState = services.GetRequiredService<IProxyStateLookup>();
        var snapshots = services.GetRequiredService<RegistrySnapshotProvider>();
        var gate = new Lock();
        var published = new HashSet<string>(StringComparer.Ordinal);
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            // Two scrapes (one per format) may collect at once.
            lock (gate)
            {
                published = PublishDestinations(proxyState, published);
            }

            GatewayMetrics.RegistryRevision.Set(snapshots.Current.Revision);
            GatewayMetrics.RegistryReloads.IncTo(snapshots.PublishCount);
        });
    }

    /// <summary>
    /// Sets the destination gauges of every service routed now and removes those of services this gateway published
    /// before and no longer routes: a removed service's last value would otherwise be exported for the life of the
    /// process (a provider-down alert included), and the series would grow with every service ever registered.
    /// </summary>
    private static HashSet<string> PublishDestinations(IProxyStateLookup proxyState, HashSet<string> published)
    {
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cluster in proxyState.GetClusters())
        {
            GatewayMetrics.Destinations.WithLabels(cluster.ClusterId).Set(cluster.Destinations.Count);
            GatewayMetrics.HealthyDestinations.WithLabels(cluster.ClusterId).Set(cluster.DestinationsState.AvailableDestinations.Count);
            current.Add(cluster.ClusterId);
        }

        foreach (var removed in published.Where(service => !current.Contains(service)))
        {
            GatewayMetrics.Destinations.RemoveLabelled(removed);
            GatewayMetrics.HealthyDestinations.RemoveLabelled(removed);
        }

        return current;
    }
}
