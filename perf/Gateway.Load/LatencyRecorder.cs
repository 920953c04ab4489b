using HdrHistogram;

namespace Ndxp.Gateway.Load;

/// <summary>
/// Latencies in microseconds in an HdrHistogram (3 significant digits, up to an hour): recorded from any thread
/// without a lock (a <see cref="Recorder"/> of concurrent histograms: calls end on many threads at once), drained by one
/// reader at a time into the run's total.
/// </summary>
internal sealed class LatencyRecorder
{
    public const long HighestMicroseconds = 3_600_000_000;

    private readonly Recorder _recorder = new(1, HighestMicroseconds, 3, (id, low, high, digits) => new LongConcurrentHistogram(id, low, high, digits));
    private readonly LongHistogram _interval = new(HighestMicroseconds, 3);
    private readonly Lock _drain = new();

    public LongHistogram Total { get; } = new(HighestMicroseconds, 3);

    public void Record(long microseconds) => _recorder.RecordValue(Math.Clamp(microseconds, 0, HighestMicroseconds));

    /// <summary>Moves what was recorded since the last drain into <see cref="Total"/> (and into <paramref name="also"/>).</summary>
    public void Drain(HistogramBase? also = null)
    {
        lock (_drain)
        {
            _recorder.GetIntervalHistogramInto(_interval);
            Total.Add(_interval);
            also?.Add(_interval);
        }
    }

    public static LatencySummary Summarize(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        static double Ms(long micros) => micros / 1000.0;
        return histogram.TotalCount == 0
            ? new LatencySummary(0, 0, 0, 0, 0, 0)
            : new LatencySummary(
                histogram.TotalCount,
                Ms(histogram.GetValueAtPercentile(50)),
                Ms(histogram.GetValueAtPercentile(90)),
                Ms(histogram.GetValueAtPercentile(99)),
                Ms(histogram.GetValueAtPercentile(99.9)),
                Ms(histogram.GetMaxValue()));
    }
}

/// <summary>Percentiles of a latency histogram, in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max);
