using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Metering;

/// <summary>What identifies one hourly aggregate: the hour (UTC) and agency x client x service x grant x outcome.</summary>
public readonly record struct UsageKey(DateTimeOffset Hour, string Agency, string Client, string Service, string? Grant, Outcome Outcome);

/// <summary>
/// Calls of one <see cref="UsageKey"/>: count, bytes, latency sum and a latency histogram (fixed bucket bounds, so
/// hours add up into days and months and percentiles can be estimated from any sum of them).
/// </summary>
public sealed class HourlyUsage
{
    /// <summary>Upper bounds (inclusive, milliseconds) of the latency buckets; a last bucket holds everything slower.</summary>
    public static readonly double[] LatencyBucketBoundsMs = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000];

    public static int BucketCount => LatencyBucketBoundsMs.Length + 1;

    public HourlyUsage(UsageKey key)
    {
        Key = key;
    }

    public UsageKey Key { get; }

    public long Count { get; set; }

    public long RequestBytes { get; set; }

    public long ResponseBytes { get; set; }

    public double LatencySumMs { get; set; }

    public long[] LatencyBuckets { get; } = new long[BucketCount];

    public static DateTimeOffset HourOf(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Folds records into hourly aggregates.</summary>
    public static IReadOnlyCollection<HourlyUsage> Aggregate(IEnumerable<UsageRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var byKey = new Dictionary<UsageKey, HourlyUsage>();
        foreach (var record in records)
        {
            var key = new UsageKey(HourOf(record.Timestamp), record.Agency, record.Client, record.Service, record.Grant, record.Outcome);
            if (!byKey.TryGetValue(key, out var usage))
            {
                byKey[key] = usage = new HourlyUsage(key);
            }

            usage.Add(record);
        }

        return byKey.Values;
    }

    public void Add(UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Count++;
        RequestBytes += record.RequestBytes;
        ResponseBytes += record.ResponseBytes;
        LatencySumMs += record.LatencyMs;
        LatencyBuckets[BucketOf(record.LatencyMs)]++;
    }

    public void Add(HourlyUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Count += other.Count;
        RequestBytes += other.RequestBytes;
        ResponseBytes += other.ResponseBytes;
        LatencySumMs += other.LatencySumMs;
        for (var i = 0; i < LatencyBuckets.Length; i++)
        {
            LatencyBuckets[i] += other.LatencyBuckets[i];
        }
    }

    /// <summary>The latency below which <paramref name="quantile"/> of the calls fell: the upper bound of its bucket.</summary>
    public double LatencyQuantileMs(double quantile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * Count);
        long seen = 0;
        for (var i = 0; i < LatencyBuckets.Length; i++)
        {
            seen += LatencyBuckets[i];
            if (seen >= rank)
            {
                return i < LatencyBucketBoundsMs.Length ? LatencyBucketBoundsMs[i] : double.PositiveInfinity;
            }
        }

        return double.PositiveInfinity;
    }

    private static int BucketOf(double latencyMs)
    {
        for (var i = 0; i < LatencyBucketBoundsMs.Length; i++)
        {
            if (latencyMs <= LatencyBucketBoundsMs[i])
            {
                return i;
            }
        }

        return LatencyBucketBoundsMs.Length;
    }
}
