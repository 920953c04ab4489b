using System.Globalization;
using System.Text;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Metering;

/// <summary>Hourly aggregates regrouped by hour, day or month (UTC), as JSON rows or CSV.</summary>
public sealed class UsageReport
{
    private UsageReport(UsageQuery query, IReadOnlyList<UsageReportRow> rows)
    {
        Query = query;
        Rows = rows;
    }

    public UsageQuery Query { get; }

    public IReadOnlyList<UsageReportRow> Rows { get; }

    public static UsageReport Build(UsageQuery query, IEnumerable<HourlyUsage> hourly)
    {
        ArgumentNullException.ThrowIfNull(query);
        var grouped = new Dictionary<UsageKey, HourlyUsage>();
        foreach (var usage in hourly)
        {
            // Grants are folded in: reports speak of agencies, clients and services.
            var key = usage.Key with { Hour = PeriodOf(usage.Key.Hour, query.GroupBy), Grant = null };
            if (!grouped.TryGetValue(key, out var total))
            {
                grouped[key] = total = new HourlyUsage(key);
            }

            total.Add(usage);
        }

        var rows = grouped.Values
            .OrderBy(u => u.Key.Hour).ThenBy(u => u.Key.Agency, StringComparer.Ordinal).ThenBy(u => u.Key.Client, StringComparer.Ordinal)
            .ThenBy(u => u.Key.Service, StringComparer.Ordinal).ThenBy(u => u.Key.Outcome)
            .Select(UsageReportRow.From)
            .ToList();
        return new UsageReport(query, rows);
    }

    public object ToJson() => new
    {
        from = Query.Filter.From,
        to = Query.Filter.To,
        groupBy = Query.GroupBy.ToString().ToLowerInvariant(),
        timeZone = "UTC",
        rows = Rows,
    };

    public string ToCsv()
    {
        var csv = new StringBuilder("period,agency,client,service,outcome,count,requestBytes,responseBytes,latencyMsAvg,latencyMsP50,latencyMsP95,latencyMsP99\n");
        foreach (var row in Rows)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{row.Period:yyyy-MM-ddTHH:mm:ssZ},{Hosting.Csv.Field(row.Agency)},{Hosting.Csv.Field(row.Client)},{Hosting.Csv.Field(row.Service)},{row.Outcome},{row.Count},{row.RequestBytes},{row.ResponseBytes},{row.LatencyMsAvg},{row.LatencyMsP50},{row.LatencyMsP95},{row.LatencyMsP99}\n");
        }

        return csv.ToString();
    }

    private static DateTimeOffset PeriodOf(DateTimeOffset hour, UsageGrouping grouping) => grouping switch
    {
        UsageGrouping.Hour => hour,
        UsageGrouping.Day => new DateTimeOffset(hour.Year, hour.Month, hour.Day, 0, 0, 0, TimeSpan.Zero),
        _ => new DateTimeOffset(hour.Year, hour.Month, 1, 0, 0, 0, TimeSpan.Zero),
    };
}

/// <summary>One row of a usage report. Latency percentiles are the upper bounds of histogram buckets; null above 10 s.</summary>
public sealed record UsageReportRow(
    DateTimeOffset Period,
    string Agency,
    string Client,
    string Service,
    string Outcome,
    long Count,
    long RequestBytes,
    long ResponseBytes,
    double LatencyMsAvg,
    double? LatencyMsP50,
    double? LatencyMsP95,
    double? LatencyMsP99)
{
    public static UsageReportRow From(HourlyUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return new(
            usage.Key.Hour, usage.Key.Agency, usage.Key.Client, usage.Key.Service, usage.Key.Outcome.Name(), usage.Count,
            usage.RequestBytes, usage.ResponseBytes,
            usage.Count == 0 ? 0 : Math.Round(usage.LatencySumMs / usage.Count, 3),
            Finite(usage.LatencyQuantileMs(0.50)), Finite(usage.LatencyQuantileMs(0.95)), Finite(usage.LatencyQuantileMs(0.99)));
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
