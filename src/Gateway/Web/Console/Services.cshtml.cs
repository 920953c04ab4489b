using Ndxp.Gateway.Registry;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Ndxp.Gateway.Web.Console;

/// <summary>Services with their destinations' health as this replica's YARP clusters see it; suspend and activate.</summary>
public sealed class ServicesModel() : StatusPage<Service>(RegistryEntityKind.Services)
{
    public void OnGet()
    {
    }

    /// <summary>Each destination and whether it is healthy: active probes first, else passive; null when neither knows.</summary>
    public IEnumerable<(string Address, bool? Healthy)> Health(Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (!Services<IProxyStateLookup>().TryGetCluster(service.Id, out var cluster))
        {
            return service.Destinations.Select(address => (address, (bool?)null));
        }

        return cluster.Destinations.Values.Select(destination =>
        {
            var health = destination.Health.Active != DestinationHealth.Unknown ? destination.Health.Active : destination.Health.Passive;
            return (destination.Model.Config.Address, health switch
            {
                DestinationHealth.Healthy => true,
                DestinationHealth.Unhealthy => (bool?)false,
                _ => null,
            });
        });
    }
}
