using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Ndxp.Gateway.Hosting;
using Prometheus;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// <c>/metrics</c>: the Prometheus scrape, rendered at most once per <see cref="ObservabilityOptions.MetricsCacheDuration"/>
/// and format, and served from memory in between. A render walks every series (4-5 ms of CPU for a few thousand);
/// Prometheus needs one every 15 s, and a flood of scrapes from anyone on the admin network would otherwise cost a
/// render each, on the cores that serve data calls.
/// </summary>
internal sealed class MetricsScrape
{
    public const string Path = "/metrics";

    private readonly CachedRender<byte[]>[] _formats;

    public MetricsScrape(IOptions<ObservabilityOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var freshFor = options.Value.MetricsCacheDuration;
        _formats =
        [
            CachedRender<byte[]>.FreshFor(freshFor, time, () => RenderAsync(ExpositionFormat.PrometheusText)),
            CachedRender<byte[]>.FreshFor(freshFor, time, () => RenderAsync(ExpositionFormat.OpenMetricsText)),
        ];
    }

    /// <summary>Renders since start, for tests that count them.</summary>
    public long Renders => _formats.Sum(format => format.Renders);

    public async Task ServeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var openMetrics = AcceptsOpenMetrics(context.Request);
        var body = await _formats[(int)(openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText)].GetAsync(context.RequestAborted);
        var response = context.Response;
        response.ContentType = openMetrics ? PrometheusConstants.OpenMetricsContentTypeWithVersionAndEncoding : PrometheusConstants.TextContentTypeWithVersionAndEncoding;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static async Task<byte[]> RenderAsync(ExpositionFormat format)
    {
        using var buffer = new MemoryStream();
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(buffer, format, CancellationToken.None);
        return buffer.ToArray();
    }

    // As prometheus-net negotiates: OpenMetrics (which Prometheus asks for first) when accepted, else the text format.
    private static bool AcceptsOpenMetrics(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(type => type.MediaType.Equals(PrometheusConstants.OpenMetricsContentType, StringComparison.OrdinalIgnoreCase) && type.Quality is not 0);
}
