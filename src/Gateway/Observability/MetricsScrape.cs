using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Prometheus;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// <c>/metrics</c>: the Prometheus scrape, rendered at most once per <see cref="ObservabilityOptions.MetricsCacheDuration"/>
/// and format, and served from memory in between. A render walks every series (4-5 ms of CPU for a few thousand);
/// Prometheus needs one every 15 s, and a flood of scrapes from anyone on the admin network would otherwise cost a
/// render each, on the cores that serve data calls.
/// </summary>
internal sealed class MetricsScrape(IOptions<ObservabilityOptions> options, TimeProvider time)
{
    public const string Path = "/metrics";

    private readonly TimeSpan _freshFor = options.Value.MetricsCacheDuration;
    private readonly Lock _gate = new();
    private readonly Render?[] _latest = new Render?[2];
    private long _renders;

    /// <summary>Renders since start, for tests that count them.</summary>
    public long Renders => Interlocked.Read(ref _renders);

    public async Task ServeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var openMetrics = AcceptsOpenMetrics(context.Request);
        var body = await LatestAsync(openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText).WaitAsync(context.RequestAborted);
        var response = context.Response;
        response.ContentType = openMetrics ? PrometheusConstants.OpenMetricsContentTypeWithVersionAndEncoding : PrometheusConstants.TextContentTypeWithVersionAndEncoding;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private Task<byte[]> LatestAsync(ExpositionFormat format)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            // A render that began at most _freshFor before this request (or is still running) is fresh enough for it.
            ref var latest = ref _latest[(int)format];
            if (latest is null || latest.Body.IsFaulted || latest.Body.IsCanceled || time.GetElapsedTime(latest.StartedAt, now) > _freshFor)
            {
                latest = new Render(now, Task.Run(() => RenderAsync(format)));
            }

            return latest.Body;
        }
    }

    // Not cancelled with the request that started it: the others waiting for it would fail with it.
    private async Task<byte[]> RenderAsync(ExpositionFormat format)
    {
        Interlocked.Increment(ref _renders);
        using var buffer = new MemoryStream();
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(buffer, format, CancellationToken.None);
        return buffer.ToArray();
    }

    // As prometheus-net negotiates: OpenMetrics (which Prometheus asks for first) when accepted, else the text format.
    private static bool AcceptsOpenMetrics(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(type => type.MediaType.Equals(PrometheusConstants.OpenMetricsContentType, StringComparison.OrdinalIgnoreCase) && type.Quality is not 0);

    private sealed record Render(long StartedAt, Task<byte[]> Body);
}
