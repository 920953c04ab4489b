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
        var droppedLogEvents = services.GetRequiredService<DroppedLogEvents>();
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            foreach (var cluster in proxyState.GetClusters())
            {
                GatewayMetrics.Destinations.WithLabels(cluster.ClusterId).Set(cluster.Destinations.Count);
                GatewayMetrics.HealthyDestinations.WithLabels(cluster.ClusterId).Set(cluster.DestinationsState.AvailableDestinations.Count);
            }

            droppedLogEvents.Count();
            GatewayMetrics.RegistryRevision.Set(snapshots.Current.Revision);
            GatewayMetrics.RegistryReloads.IncTo(snapshots.PublishCount);
        });
    }
}
