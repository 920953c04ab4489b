using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Ndxp.Gateway.Forwarding;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Ndxp.Gateway.Registry;

/// <summary>
/// Feeds YARP with one cluster per registered service (its instances, HTTP client, mutual TLS, timeout and health
/// checks), rebuilt from each new snapshot; YARP applies the change when the snapshot's change token fires, without a
/// restart and without dropping calls in flight. No routes: the data path finds the service itself and forwards with
/// <see cref="Forwarding.ProviderForwarder"/>.
/// </summary>
internal sealed class RegistryProxyConfigProvider : IProxyConfigProvider
{
    private readonly RegistrySnapshotProvider _snapshots;
    private readonly ForwardingOptions _forwarding;

    public RegistryProxyConfigProvider(RegistrySnapshotProvider snapshots, IOptions<ForwardingOptions> forwarding)
    {
        ArgumentNullException.ThrowIfNull(forwarding);
        _snapshots = snapshots;
        _forwarding = forwarding.Value;
    }

    public IProxyConfig GetConfig()
    {
        // Take the token before the snapshot: a change published in between then fires the token we hand out.
        var changeToken = _snapshots.GetChangeToken();
        return Build(_snapshots.Current, _forwarding, changeToken);
    }

    internal static IProxyConfig Build(RegistrySnapshot snapshot, ForwardingOptions forwarding, IChangeToken changeToken)
    {
        var clusters = snapshot.Document.Services.Select(service => BuildCluster(service, forwarding)).ToList();
        return new RegistryProxyConfig([], clusters, changeToken);
    }

    private static ClusterConfig BuildCluster(Service service, ForwardingOptions forwarding)
    {
        var destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal);
        for (var i = 0; i < service.Destinations.Count; i++)
        {
            destinations[$"{service.Id}-{i + 1}"] = new DestinationConfig { Address = service.Destinations[i] };
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (service.Tls is { } tls)
        {
            Add(ProviderTlsHttpClientFactory.ClientCertificateKey, tls.ClientCertificatePath);
            Add(ProviderTlsHttpClientFactory.ClientKeyKey, tls.ClientKeyPath);
            Add(ProviderTlsHttpClientFactory.TrustedCaKey, tls.TrustedCaPath);
        }

        return new ClusterConfig
        {
            ClusterId = service.Id,
            Destinations = destinations,
            Metadata = metadata.Count == 0 ? null : metadata,
            // The activity timeout fires when the provider sends nothing for this long: YARP then answers 504.
            HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMilliseconds(service.TimeoutMs) },
            HealthCheck = service.HealthCheckPath is null
                ? null
                : new HealthCheckConfig
                {
                    // Not YARP's default "HealthyOrPanic", which keeps sending to instances known to be down: with
                    // no healthy instance the caller gets a fast 503 and the provider a rest.
                    AvailableDestinationsPolicy = "HealthyAndUnknown",
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = forwarding.HealthCheckInterval,
                        Timeout = forwarding.HealthCheckTimeout,
                        Policy = "ConsecutiveFailures",
                        Path = service.HealthCheckPath,
                    },
                },
        };

        void Add(string key, string? value)
        {
            if (value is not null)
            {
                metadata[key] = value;
            }
        }
    }

    private sealed class RegistryProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters, IChangeToken changeToken)
        : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes { get; } = routes;

        public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;

        public IChangeToken ChangeToken { get; } = changeToken;
    }
}
