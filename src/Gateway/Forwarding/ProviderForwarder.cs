using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Ndxp.Gateway.Forwarding;

/// <summary>
/// Sends an admitted call to one of its service's provider instances through YARP's forwarder, called directly: the
/// data path already knows the service, so it skips ASP.NET Core's routing and YARP's per-route middleware, which cost
/// more than the forwarding itself (perf/README.md). YARP still keeps everything about the providers: one cluster per
/// service (Registry/RegistryProxyConfigProvider) with its HTTP client and mutual TLS, its timeout, and its instances'
/// health from active checks. The identity transforms are YARP's transform pipeline with
/// <see cref="IdentityHeadersTransformProvider"/>, built once for every service.
/// </summary>
internal sealed class ProviderForwarder
{
    private readonly IHttpForwarder _forwarder;
    private readonly IProxyStateLookup _clusters;
    private readonly HttpTransformer _transformer;
    private readonly ILoadBalancingPolicy _instances;

    public ProviderForwarder(IHttpForwarder forwarder, IProxyStateLookup clusters, ITransformBuilder transforms, IEnumerable<ILoadBalancingPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        _forwarder = forwarder;
        _clusters = clusters;
        // The transforms name no route or cluster: the same for every service.
        _transformer = transforms.Build(new RouteConfig { RouteId = "services", ClusterId = "services" }, cluster: null);
        // Round robin: YARP's default, power of two choices, compares the instances' concurrent requests, which only its
        // own forwarding middleware counts (an internal counter); without them it would pick at random.
        _instances = policies.Single(p => p.Name == LoadBalancingPolicies.RoundRobin);
    }

    public async Task ForwardAsync(HttpContext context, GatewayCall call, ServiceEntry service)
    {
        if (!_clusters.TryGetCluster(service.Definition.Id, out var cluster) || Pick(context, cluster) is not { } instance)
        {
            // No instance is healthy (or YARP has not yet applied a service added a moment ago).
            await context.WriteProblemAsync(ProblemKind.ProviderUnavailable);
            return;
        }

        var model = cluster.Model;
        await _forwarder.SendAsync(context, instance.Model.Config.Address, model.HttpClient, model.Config.HttpRequest ?? ForwarderRequestConfig.Empty, _transformer);
        await ForwardingProblems.TranslateAsync(context, call);
    }

    private DestinationState? Pick(HttpContext context, ClusterState cluster)
    {
        var available = cluster.DestinationsState.AvailableDestinations;
        return available.Count switch
        {
            0 => null,
            1 => available[0],
            _ => _instances.PickDestination(context, cluster, available),
        };
    }
}
