using System.Net;
using Microsoft.Extensions.Time.Testing;
using Ndxp.Gateway.Observability;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Observability;

/// <summary>
/// <c>/metrics</c> is rendered at most once per <c>Observability:MetricsCacheDuration</c> and format, on a gateway whose
/// clock the test holds: a flood of scrapes costs one rendering, and the next one after the window sees new values.
/// </summary>
public sealed class MetricsScrapeTests : IAsyncLifetime
{
    private const string JunkCalls = "ndxp_gateway_requests_total{service=\"none\",agency=\"none\",method=\"GET\",status_class=\"4xx\",outcome=\"client_error\"}";
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task Scrapes_within_the_cache_duration_get_one_rendering_and_the_next_one_after_it_is_new()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var gateway = await _workspace.StartGatewayAsync(clock, "--Observability:MetricsCacheDuration=00:00:01");
        var scrape = gateway.Services.GetRequiredService<MetricsScrape>();
        var renders = scrape.Renders;

        var first = await gateway.Admin.GetStringAsync(MetricsScrape.Path);
        using (var junk = await gateway.Data.GetAsync("/no-such-service/x"))
        {
            Assert.Equal(HttpStatusCode.NotFound, junk.StatusCode);
        }

        // One after another: at once, all but a few would be refused (Hardening/OpenEndpointLimitsTests).
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(first, await gateway.Admin.GetStringAsync(MetricsScrape.Path));
        }

        Assert.Equal(renders + 1, scrape.Renders);

        clock.Advance(TimeSpan.FromMilliseconds(1001));
        var next = await gateway.Admin.GetStringAsync(MetricsScrape.Path);
        Assert.Equal(renders + 2, scrape.Renders);
        // Metrics are process-wide: other tests' junk calls may count here too, but this one is in at least.
        Assert.True(MetricsText.ValueOf(next, JunkCalls) >= (MetricsText.ValueOf(first, JunkCalls) ?? 0) + 1, next);
    }

    [Fact]
    public async Task OpenMetrics_and_the_text_format_are_rendered_and_kept_apart_as_prometheus_net_negotiates_them()
    {
        var gateway = await _workspace.StartGatewayAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), "--Observability:MetricsCacheDuration=00:00:01");
        var scrape = gateway.Services.GetRequiredService<MetricsScrape>();
        var renders = scrape.Renders;

        // What Prometheus sends, then a client that refuses OpenMetrics (q=0), then one that names no format.
        var asked = new[] { "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", "application/openmetrics-text;q=0, text/plain", null };
        var answers = new List<(string? ContentType, string Body)>();
        foreach (var accept in asked)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, MetricsScrape.Path);
            if (accept is not null)
            {
                request.Headers.TryAddWithoutValidation("Accept", accept);
            }

            using var response = await gateway.Admin.SendAsync(request);
            answers.Add((response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync()));
        }

        Assert.Equal(["application/openmetrics-text", "text/plain", "text/plain"], answers.Select(a => a.ContentType));
        Assert.EndsWith("# EOF\n", answers[0].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("# EOF", answers[1].Body, StringComparison.Ordinal);
        Assert.Equal(answers[1].Body, answers[2].Body);
        Assert.Equal(renders + 2, scrape.Renders);
    }
}
