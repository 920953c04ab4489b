using Microsoft.AspNetCore.Http.Features;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Hardening;

/// <summary>
/// Each service's own size limits, checked once the route is known and before anything is forwarded: headers over
/// the service's limit are 431, a declared body over it 413 at once, and a chunked body is cut off by Kestrel when it
/// grows past it (turned into 413 by <see cref="Forwarding.ForwardingProblemMiddleware"/>). A body on a method that
/// takes none (GET, HEAD, DELETE, OPTIONS, TRACE: RFC 9110 gives it no meaning there) is 400: a provider behind a
/// GET-only service never reads one, and a body it ignores is how requests are smuggled past a proxy.
/// </summary>
internal sealed class RequestSizeMiddleware(RequestDelegate next, RegistrySnapshotProvider snapshots)
{
    public const int DefaultMaxRequestHeaderBytes = 16 * 1024;

    public Task InvokeAsync(HttpContext context)
    {
        var routeId = context.GetReverseProxyFeature().Route.Config.RouteId;
        if (!snapshots.Current.Services.TryGetValue(routeId, out var entry))
        {
            return next(context);
        }

        var service = entry.Definition;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true && TakesNoBody(context.Request.Method))
        {
            return context.WriteProblemAsync(ProblemKind.BodyNotAllowed);
        }

        var headerBytes = 0L;
        foreach (var header in context.Request.Headers)
        {
            headerBytes += header.Key.Length + 4;
            foreach (var value in header.Value)
            {
                headerBytes += value?.Length ?? 0;
            }
        }

        if (headerBytes > (service.MaxRequestHeaderBytes ?? DefaultMaxRequestHeaderBytes))
        {
            return context.WriteProblemAsync(ProblemKind.RequestHeadersTooLarge);
        }

        if (service.MaxRequestBodyBytes is { } maxBody)
        {
            if (context.Request.ContentLength > maxBody)
            {
                return context.WriteProblemAsync(ProblemKind.RequestBodyTooLarge);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = maxBody;
            }
        }

        return next(context);
    }

    private static bool TakesNoBody(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsDelete(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
}
