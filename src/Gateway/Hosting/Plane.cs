using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Options;

namespace Ndxp.Gateway.Hosting;

/// <summary>Which listener an endpoint answers on. Endpoints without this metadata belong to the data plane.</summary>
public sealed class PlaneMetadata
{
    private PlaneMetadata(bool isAdmin) => IsAdmin = isAdmin;

    public static PlaneMetadata Admin { get; } = new(isAdmin: true);

    public bool IsAdmin { get; }
}

/// <summary>
/// Keeps the planes apart by the port the connection arrived on, not by the Host header (which the caller writes):
/// an admin endpoint is invisible on the data port and a data endpoint on the admin port; both then get a 404. A node
/// policy: routing's matcher splits the endpoints by plane when it is built and picks the branch per request by port,
/// where an endpoint selector policy would run an asynchronous pass over the candidates of every request.
/// </summary>
internal sealed class PlaneMatcherPolicy : MatcherPolicy, INodeBuilderPolicy
{
    private readonly int _adminPort;

    public PlaneMatcherPolicy(IOptions<GatewayHostOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _adminPort = options.Value.AdminPort;
    }

    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Count > 0;

    public IReadOnlyList<PolicyNodeEdge> GetEdges(IReadOnlyList<Endpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // One edge per plane that has endpoints here; a plane without any takes the matcher's exit (no match, 404).
        return [.. endpoints.GroupBy(IsAdmin).Select(plane => new PolicyNodeEdge(plane.Key, plane.ToList()))];
    }

    public PolicyJumpTable BuildJumpTable(int exitDestination, IReadOnlyList<PolicyJumpTableEdge> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var admin = exitDestination;
        var data = exitDestination;
        foreach (var edge in edges)
        {
            if ((bool)edge.State)
            {
                admin = edge.Destination;
            }
            else
            {
                data = edge.Destination;
            }
        }

        return new PlaneJumpTable(_adminPort, admin, data);
    }

    private static bool IsAdmin(Endpoint endpoint) => endpoint.Metadata.GetMetadata<PlaneMetadata>()?.IsAdmin ?? false;

    private sealed class PlaneJumpTable(int adminPort, int admin, int data) : PolicyJumpTable
    {
        public override int GetDestination(HttpContext httpContext) => httpContext.Connection.LocalPort == adminPort ? admin : data;
    }
}

public static class PlaneEndpointConventionBuilderExtensions
{
    /// <summary>Serves the endpoint on the admin port only.</summary>
    public static TBuilder OnAdminPlane<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(PlaneMetadata.Admin);
}
