using Ndxp.Gateway.Registry;
using Prometheus;
using Yarp.ReverseProxy;

namespace Ndxp.Gateway.Observability;

/// <summary>Gauges read from the gateway's state at scrape time: provider instance health and the registry in use.</summary>
internal static class StateMetrics
{
    public static void Register(IServiceProvider services)
    {
        var proxyState = services.GetRequiredService<IProxyStateLookup>();
        var snapshots = services.GetRequiredService<RegistrySnapshotProvider>();
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            foreach (var cluster in proxyState.GetClusters())
            {
                GatewayMetrics.Destinations.WithLabels(cluster.ClusterId).Set(cluster.Destinations.Count);
                GatewayMetrics.HealthyDestinations.WithLabels(cluster.ClusterId).Set(cluster.DestinationsState.AvailableDestinations.Count);
            }

            GatewayMetrics.RegistryRevision.Set(snapshots.Current.Revision);
            GatewayMetrics.RegistryReloads.IncTo(snapshots.PublishCount);
        });
    }
}
