using Microsoft.Extensions.Primitives;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Tests.Metering;

public sealed class UsageReportTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Hours_add_up_into_days_and_months_with_percentiles_from_the_histogram()
    {
        var hourly = new[]
        {
            Usage(new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero), count: 10, latencyMs: 4),
            Usage(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), count: 90, latencyMs: 4),
            Usage(new DateTimeOffset(2026, 11, 1, 5, 0, 0, TimeSpan.Zero), count: 10, latencyMs: 300),
        };

        var byMonth = UsageReport.Build(Query("groupBy=month"), hourly).Rows;
        var byDay = UsageReport.Build(Query("groupBy=day"), hourly).Rows;

        Assert.Equal([10L, 100L], byMonth.Select(r => r.Count));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), byMonth[1].Period);
        Assert.Equal(5, byMonth[1].LatencyMsP50);
        Assert.Equal(500, byMonth[1].LatencyMsP95);
        Assert.Equal([10L, 100L], byDay.Select(r => r.Count));
    }

    [Fact]
    public void Csv_quotes_cells_and_defuses_formulas()
    {
        var usage = Usage(Now, count: 1, latencyMs: 1, client: "=cmd|' /C calc'!A0,x");

        var csv = UsageReport.Build(Query("groupBy=hour"), [usage]).ToCsv();

        Assert.Contains("\"'=cmd|' /C calc'!A0,x\"", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_defaults_to_the_last_24_hours_by_day()
    {
        Assert.True(UsageQuery.TryParse(new QueryCollection(), Now, out var query, out _));

        Assert.Equal(UsageGrouping.Day, query!.GroupBy);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero), query.Filter.To);
        Assert.Equal(query.Filter.To.AddDays(-1), query.Filter.From);
    }

    [Fact]
    public void Query_converts_offsets_to_utc_and_rounds_down_to_the_hour()
    {
        Assert.True(UsageQuery.TryParse(Parse("from=2026-11-23T07:45:00%2B07:00&to=2026-11-23T12:00:00Z&outcome=quota_exceeded"), Now, out var query, out _));

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), query!.Filter.From);
        Assert.Equal(Outcome.QuotaExceeded, query.Filter.Outcome);
    }

    private static UsageQuery Query(string queryString)
    {
        Assert.True(UsageQuery.TryParse(Parse("from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z&" + queryString), Now, out var query, out var error), error);
        return query!;
    }

    private static QueryCollection Parse(string queryString) =>
        new(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryString).ToDictionary(p => p.Key, p => (StringValues)p.Value));

    private static HourlyUsage Usage(DateTimeOffset hour, int count, double latencyMs, string client = "vcb-ekyc")
    {
        var usage = new HourlyUsage(new UsageKey(hour, "VCB", client, "population", "g", Outcome.Ok));
        for (var i = 0; i < count; i++)
        {
            usage.Add(new UsageRecord
            {
                TransactionId = $"{hour:O}-{i}", Timestamp = hour, Agency = "VCB", Client = client, Service = "population",
                Method = "GET", Status = 200, Outcome = Outcome.Ok, LatencyMs = latencyMs,
            });
        }

        return usage;
    }
}
