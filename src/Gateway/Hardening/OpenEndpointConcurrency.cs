using System.Threading.RateLimiting;

namespace Ndxp.Gateway.Hardening;

/// <summary>The admin plane's endpoints that answer without a token, in the groups whose requests are capped together.</summary>
internal enum OpenEndpoint
{
    /// <summary><c>/metrics</c>, alone: a flood of page loads must not cost Prometheus its scrapes.</summary>
    Metrics,

    /// <summary>The OpenAPI document and the <c>/docs</c> page's files.</summary>
    Documents,
}

/// <summary>
/// How many requests each <see cref="OpenEndpoint"/> group serves at once, and how many more wait; beyond that a request
/// is answered 503 endpoint-busy at once. Their answers come from memory, but anyone on the admin network can ask for
/// them, and writing 0.2-1.7 MB to each of a flood of callers (slow readers among them) would take the cores and
/// buffers the data plane needs. The limiters are the host's, not the framework's rate limiter's, so that tests can
/// hold their permits.
/// </summary>
internal sealed class OpenEndpointConcurrency : IDisposable
{
    public const int MetricsAtOnce = 2;
    public const int MetricsQueued = 4;

    // A browser opening /docs asks for about six files in parallel.
    public const int DocumentsAtOnce = 4;
    public const int DocumentsQueued = 8;

    private readonly ConcurrencyLimiter _metrics = Limiter(MetricsAtOnce, MetricsQueued);
    private readonly ConcurrencyLimiter _documents = Limiter(DocumentsAtOnce, DocumentsQueued);

    public ConcurrencyLimiter For(OpenEndpoint group) => group == OpenEndpoint.Metrics ? _metrics : _documents;

    public void Dispose()
    {
        _metrics.Dispose();
        _documents.Dispose();
    }

    private static ConcurrencyLimiter Limiter(int atOnce, int queued) =>
        new(new ConcurrencyLimiterOptions { PermitLimit = atOnce, QueueLimit = queued, QueueProcessingOrder = QueueProcessingOrder.OldestFirst });
}

/// <summary>Marks an endpoint as one of an <see cref="OpenEndpoint"/> group, for <see cref="OpenEndpointConcurrencyMiddleware"/>.</summary>
internal sealed record OpenEndpointMetadata(OpenEndpoint Group);

internal static class OpenEndpointConventionBuilderExtensions
{
    /// <summary>Caps the endpoint's requests in flight with the others of its group.</summary>
    public static TBuilder CappedAs<TBuilder>(this TBuilder builder, OpenEndpoint group) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OpenEndpointMetadata(group));
}
