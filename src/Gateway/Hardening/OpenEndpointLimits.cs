using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Hardening;

/// <summary>
/// How many requests the admin plane's endpoints that answer without a token serve at once, per policy, and how many
/// more wait; beyond that a request is answered 503 endpoint-busy at once. Their answers come from memory, but anyone
/// on the admin network can ask for them, and writing 0.1-1.7 MB to each of a flood of callers (slow readers among
/// them) would take the cores and buffers the data plane needs. A permit is held for the whole request, the answer's
/// writing included (ASP.NET Core's rate limiting middleware, with a concurrency limiter per policy).
/// </summary>
internal static class OpenEndpointLimits
{
    /// <summary><c>/metrics</c>, alone: a flood of page loads must not cost Prometheus its scrapes.</summary>
    public const string MetricsPolicy = "open-metrics";
    public const int MetricsAtOnce = 2;
    public const int MetricsQueued = 4;

    /// <summary>The OpenAPI document and the <c>/docs</c> page's files.</summary>
    public const string DocumentsPolicy = "open-documents";

    // A browser opening /docs asks for about six files in parallel.
    public const int DocumentsAtOnce = 4;
    public const int DocumentsQueued = 8;

    public static IServiceCollection AddOpenEndpointLimits(this IServiceCollection services) =>
        services.AddRateLimiter(options =>
        {
            options.AddConcurrencyLimiter(MetricsPolicy, limiter => Configure(limiter, MetricsAtOnce, MetricsQueued));
            options.AddConcurrencyLimiter(DocumentsPolicy, limiter => Configure(limiter, DocumentsAtOnce, DocumentsQueued));
            // Not called for a caller that left while waiting: there is nobody to answer.
            options.OnRejected = (rejected, _) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                return new ValueTask(rejected.HttpContext.WriteProblemAsync(ProblemKind.EndpointBusy));
            };
        });

    private static void Configure(ConcurrencyLimiterOptions limiter, int atOnce, int queued)
    {
        limiter.PermitLimit = atOnce;
        limiter.QueueLimit = queued;
        limiter.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
    }
}
