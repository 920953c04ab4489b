using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Ndxp.Gateway.Hosting;

/// <summary>
/// The caller's address behind a load balancer or ingress: taken from <c>X-Forwarded-For</c>, and only when the
/// connection comes from one of <see cref="GatewayHostOptions.TrustedProxies"/>. ASP.NET Core's forwarded-headers
/// middleware does it; its default trust in loopback is dropped, so that nothing but the configured networks counts.
/// </summary>
internal static class TrustedProxies
{
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app, GatewayHostOptions host)
    {
        if (host.TrustedProxies.Count == 0)
        {
            return app;
        }

        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var network in host.TrustedProxies)
        {
            options.KnownIPNetworks.Add(Parse(network));
        }

        return app.UseForwardedHeaders(options);
    }

    private static System.Net.IPNetwork Parse(string network) =>
        System.Net.IPNetwork.TryParse(network, out var parsed) ? parsed
        : IPAddress.TryParse(network, out var address) ? new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
        : throw new InvalidOperationException($"Gateway:TrustedProxies: '{network}' is neither a network (10.0.0.0/8) nor an address.");
}
