using System.Globalization;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Hosting;

namespace Ndxp.Gateway.Hardening;

/// <summary>
/// Strict-Transport-Security on every answer over TLS, set as the answer starts so that a provider's own header
/// (copied by the proxy) cannot weaken it.
/// </summary>
internal sealed class StrictTransportSecurityMiddleware(RequestDelegate next, IOptions<GatewayHostOptions> options)
{
    private readonly string _value = "max-age=" + ((long)options.Value.HstsMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.IsHttps)
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.StrictTransportSecurity = _value;
                return Task.CompletedTask;
            });
        }

        return next(context);
    }
}
