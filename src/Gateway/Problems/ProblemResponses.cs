using Microsoft.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc;

namespace Ndxp.Gateway.Problems;

/// <summary>Writes a refusal or failure as <c>application/problem+json</c> from <see cref="ProblemCatalog"/>.</summary>
public static class ProblemResponses
{
    /// <summary>The problem as an <see cref="IResult"/>, for endpoint filters and handlers.</summary>
    public static IResult Result(ProblemKind kind, string? detail = null, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new ProblemResult(kind, detail, extensions);

    public static async Task WriteProblemAsync(this HttpContext context, ProblemKind kind, string? detail = null, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var descriptor = ProblemCatalog.Describe(kind);
        if (context.GetGatewayCall() is { } call)
        {
            call.Problem = kind;
        }

        context.Response.StatusCode = descriptor.Status;
        if (descriptor.Status == StatusCodes.Status401Unauthorized && !context.Response.Headers.ContainsKey(HeaderNames.WWWAuthenticate))
        {
            // RFC 9110 requires the challenge on a 401; RFC 6750 section 3 says which: no token -> no error code.
            context.Response.Headers.WWWAuthenticate = kind == ProblemKind.TokenMissing
                ? "Bearer realm=\"ndxp-gateway\""
                : $"Bearer realm=\"ndxp-gateway\", error=\"invalid_token\", error_description=\"{descriptor.Slug}\"";
        }
        var problem = new ProblemDetails
        {
            Type = descriptor.Type,
            Title = descriptor.Title,
            Status = descriptor.Status,
            Detail = detail,
        };
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[name] = value;
        }

        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            context.Response.ContentType = "application/problem+json";
            await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json");
        }
    }

    private sealed class ProblemResult(ProblemKind kind, string? detail, IReadOnlyDictionary<string, object?>? extensions) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => httpContext.WriteProblemAsync(kind, detail, extensions);
    }
}
