using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Hardening;

/// <summary>
/// What a request may carry to a service, checked once the route is known and before anything is forwarded, in one
/// pass over its headers. Header names with an underscore are refused (400 header-name-invalid), as Envoy's edge
/// profile does, unless <see cref="GatewayHostOptions.UnderscoreHeaders"/> says to drop them (the forwarding transform
/// never forwards one): CGI, WSGI and many frameworks map <c>-</c> and <c>_</c> to the same variable, so a caller's
/// <c>X_Consumer_Agency</c> would reach such a provider as the gateway's own <c>X-Consumer-Agency</c>. Headers over
/// the service's limit are 431, a declared body over it 413 at once, and a chunked body is cut off by Kestrel when it
/// grows past it (turned into 413 by <see cref="Forwarding.ForwardingProblems"/>). A body on a method that
/// takes none (GET, HEAD, DELETE, OPTIONS, TRACE: RFC 9110 gives it no meaning there) is 400: a provider behind a
/// GET-only service never reads one, and a body it ignores is how requests are smuggled past a proxy.
/// </summary>
internal sealed class RequestLimits(IOptions<GatewayHostOptions> options)
{
    public const int DefaultMaxRequestHeaderBytes = 16 * 1024;

    private readonly bool _refuseUnderscores = options.Value.UnderscoreHeaders == UnderscoreHeaders.Refuse;

    /// <summary>Null when the request is within its service's limits; else why it is refused.</summary>
    public Refusal? Check(HttpContext context, Service service)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true && TakesNoBody(context.Request.Method))
        {
            return new Refusal(ProblemKind.BodyNotAllowed);
        }

        var headerBytes = 0L;
        var underscored = false;
        foreach (var header in context.Request.Headers)
        {
            underscored |= header.Key.Contains('_', StringComparison.Ordinal);
            headerBytes += header.Key.Length + 4;
            foreach (var value in header.Value)
            {
                headerBytes += value?.Length ?? 0;
            }
        }

        if (underscored && _refuseUnderscores)
        {
            // The names are the caller's: not echoed.
            return new Refusal(ProblemKind.HeaderNameInvalid, "Header names must not contain '_'.");
        }

        if (headerBytes > (service.MaxRequestHeaderBytes ?? DefaultMaxRequestHeaderBytes))
        {
            return new Refusal(ProblemKind.RequestHeadersTooLarge);
        }

        if (service.MaxRequestBodyBytes is { } maxBody)
        {
            if (context.Request.ContentLength > maxBody)
            {
                return new Refusal(ProblemKind.RequestBodyTooLarge);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = maxBody;
            }
        }

        return null;
    }

    private static bool TakesNoBody(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsDelete(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
}
