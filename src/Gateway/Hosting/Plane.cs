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
/// an admin endpoint is invisible on the data port and a data endpoint on the admin port; both then get a 404.
/// </summary>
internal sealed class PlaneMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    private readonly int _adminPort;

    public PlaneMatcherPolicy(IOptions<GatewayHostOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _adminPort = options.Value.AdminPort;
    }

    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Count > 0;

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(candidates);
        var onAdminPort = httpContext.Connection.LocalPort == _adminPort;
        for (var i = 0; i < candidates.Count; i++)
        {
            var isAdminEndpoint = candidates[i].Endpoint.Metadata.GetMetadata<PlaneMetadata>()?.IsAdmin ?? false;
            if (isAdminEndpoint != onAdminPort)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}

public static class PlaneEndpointConventionBuilderExtensions
{
    /// <summary>Serves the endpoint on the admin port only.</summary>
    public static TBuilder OnAdminPlane<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(PlaneMetadata.Admin);
}
