using System.ComponentModel.DataAnnotations;

namespace Ndxp.Gateway.Observability;

/// <summary>How much the gateway says about each call. Bound from the <c>Observability</c> section.</summary>
public sealed class ObservabilityOptions
{
    public const string SectionName = "Observability";

    /// <summary>
    /// The longest string a log event holds (longer ones are cut, with an ellipsis): more than any registered id, slug
    /// or purpose, far less than what a caller can send.
    /// </summary>
    public const int LogStringMaxLength = 200;

    /// <summary>Per-call Prometheus series (requests, latencies, in flight); off only to measure what they cost.</summary>
    public bool CallMetrics { get; set; } = true;

    /// <summary>
    /// A <c>/metrics</c> scrape within this time of the last one is answered with the same rendering: Prometheus scrapes
    /// every 15 s, and a flood of scrapes then costs one rendering a second. 0 renders every scrape.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MetricsCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Level of the per-call summary event.</summary>
    public LogLevel CallSummaryLevel { get; set; } = LogLevel.Information;

    /// <summary>Share of successful calls whose summary is logged (0 to 1); refused and failed calls are always logged.</summary>
    [Range(0.0, 1.0)]
    public double SuccessSampleRate { get; set; } = 1.0;

    /// <summary>Log events buffered for the console writer; past this, events are dropped rather than slowing calls.</summary>
    [Range(100, 10_000_000)]
    public int LogBufferSize { get; set; } = 100_000;

    /// <summary>
    /// Pause between two batches of the console writer: under load, one write per interval instead of one per line.
    /// A line waits at most about this long before it is written.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan LogBatchInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Console log events on standard error instead of standard output (the operator commands keep standard output for their results).</summary>
    public bool LogToStandardError { get; set; }
}
