using Microsoft.AspNetCore.Http.Features;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Hardening;

/// <summary>Refuses, before routing, any request whose target is not a canonical path (400 path-not-canonical).</summary>
internal sealed class CanonicalPathMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        // The raw target as the client sent it, before Kestrel decoded it or resolved dot segments.
        return CanonicalPath.Check(rawTarget) is { } reason
            ? context.WriteProblemAsync(ProblemKind.PathNotCanonical, $"The path is refused: {reason}.")
            : next(context);
    }
}
