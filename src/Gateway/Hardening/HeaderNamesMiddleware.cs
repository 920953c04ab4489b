using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Hardening;

/// <summary>
/// Header names with an underscore are refused (400 header-name-invalid), as Envoy's edge profile does, or dropped
/// (<see cref="GatewayHostOptions.UnderscoreHeaders"/>). CGI, WSGI and many frameworks map <c>-</c> and <c>_</c> to
/// the same variable: a caller's <c>X_Consumer_Agency</c> would reach such a provider as the gateway's own
/// <c>X-Consumer-Agency</c>, which the gateway removes and sets only under its dashed name.
/// </summary>
internal sealed class HeaderNamesMiddleware(RequestDelegate next, Microsoft.Extensions.Options.IOptions<GatewayHostOptions> options)
{
    private readonly bool _drop = options.Value.UnderscoreHeaders == UnderscoreHeaders.Drop;

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        List<string>? underscored = null;
        foreach (var header in headers)
        {
            if (header.Key.Contains('_', StringComparison.Ordinal))
            {
                (underscored ??= []).Add(header.Key);
            }
        }

        if (underscored is null)
        {
            return next(context);
        }

        if (!_drop)
        {
            // The names are the caller's: not echoed.
            return context.WriteProblemAsync(ProblemKind.HeaderNameInvalid, "Header names must not contain '_'.");
        }

        foreach (var name in underscored)
        {
            headers.Remove(name);
        }

        return next(context);
    }
}
