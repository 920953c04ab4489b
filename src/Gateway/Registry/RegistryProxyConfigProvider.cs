using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// Feeds YARP with one route and one cluster per registered service, rebuilt from each new snapshot; YARP swaps its
/// route table when the snapshot's change token fires, without a restart and without dropping calls in flight.
/// </summary>
internal sealed class RegistryProxyConfigProvider : IProxyConfigProvider
{
    /// <summary>Route metadata key carrying the id of the service a route belongs to.</summary>
    public const string ServiceIdMetadataKey = "ndxp.service";

    private readonly RegistrySnapshotProvider _snapshots;

    public RegistryProxyConfigProvider(RegistrySnapshotProvider snapshots)
    {
        _snapshots = snapshots;
    }

    public IProxyConfig GetConfig()
    {
        // Take the token before the snapshot: a change published in between then fires the token we hand out.
        var changeToken = _snapshots.GetChangeToken();
        return Build(_snapshots.Current, changeToken);
    }

    internal static IProxyConfig Build(RegistrySnapshot snapshot, IChangeToken changeToken)
    {
        var routes = new List<RouteConfig>(snapshot.Services.Count);
        var clusters = new List<ClusterConfig>(snapshot.Services.Count);
        foreach (var service in snapshot.Document.Services)
        {
            routes.Add(new RouteConfig
            {
                RouteId = service.Id,
                ClusterId = service.Id,
                Match = new RouteMatch { Path = service.PathPrefix + "/{**remainder}" },
                Metadata = new Dictionary<string, string> { [ServiceIdMetadataKey] = service.Id },
            });
            clusters.Add(BuildCluster(service));
        }

        return new RegistryProxyConfig(routes, clusters, changeToken);
    }

    private static ClusterConfig BuildCluster(Service service)
    {
        var destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal);
        for (var i = 0; i < service.Destinations.Count; i++)
        {
            destinations[$"{service.Id}-{i + 1}"] = new DestinationConfig { Address = service.Destinations[i] };
        }

        return new ClusterConfig
        {
            ClusterId = service.Id,
            Destinations = destinations,
            // The activity timeout fires when the provider sends nothing for this long: YARP then answers 504.
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMilliseconds(service.TimeoutMs) },
            HealthCheck = service.HealthCheckPath is null
                ? null
                : new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = TimeSpan.FromSeconds(10),
                        Timeout = TimeSpan.FromSeconds(5),
                        Policy = "ConsecutiveFailures",
                        Path = service.HealthCheckPath,
                    },
                },
        };
    }

    private sealed class RegistryProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters, IChangeToken changeToken)
        : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes { get; } = routes;

        public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;

        public IChangeToken ChangeToken { get; } = changeToken;
    }
}
