using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Primitives;
using Ndxp.Gateway.Metering;

namespace Ndxp.Gateway.Web;

/// <summary>
/// A usage report with a chart and a CSV download, from the same store and report as the usage API: every agency's in
/// the console, the signed-in person's own agency's in the portal (<see cref="OwnAgency"/>).
/// </summary>
public abstract class UsagePage(WebArea area) : WebPage(area)
{
    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? GroupBy { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Agency { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Client { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Service { get; set; }

    public UsageReport? Report { get; private set; }

    /// <summary>The agency the report is limited to whatever the form says; null in the console.</summary>
    public abstract string? OwnAgency { get; }

    public async Task OnGetAsync() => Report = await BuildAsync();

    public async Task<IActionResult> OnGetCsvAsync()
    {
        var report = await BuildAsync();
        return report is null ? Page() : File(Encoding.UTF8.GetBytes(report.ToCsv()), "text/csv; charset=utf-8", "usage.csv");
    }

    /// <summary>This report as CSV: the same query with the CSV handler.</summary>
    public string CsvLink() =>
        "?" + QueryString.Create(Request.Query.Where(q => q.Key != "handler").Select(q => KeyValuePair.Create(q.Key, (string?)q.Value.ToString()))
            .Prepend(KeyValuePair.Create("handler", (string?)"csv"))).ToUriComponent().TrimStart('?');

    /// <summary>Calls per period, one series per service.</summary>
    public ChartSpec Chart(string yTitle)
    {
        var rows = Report?.Rows ?? [];
        var periods = rows.Select(r => r.Period).Distinct().Order().ToList();
        var services = rows.Select(r => r.Service).Distinct().Order(StringComparer.Ordinal).ToList();
        return new ChartSpec(
            "bar",
            [.. periods.Select(Label)],
            [.. services.Select(service => new ChartSeries(service, [.. periods.Select(p => (double)rows.Where(r => r.Period == p && r.Service == service).Sum(r => r.Count))]))],
            Stacked: true,
            Y: yTitle);
    }

    public string Label(DateTimeOffset period) => (Report?.Query.GroupBy ?? UsageGrouping.Day) switch
    {
        UsageGrouping.Hour => period.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture),
        UsageGrouping.Day => period.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => period.ToString("yyyy-MM", CultureInfo.InvariantCulture),
    };

    private async Task<UsageReport?> BuildAsync()
    {
        var now = Clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        From ??= today.AddDays(-6);
        To ??= today;
        var parameters = new Dictionary<string, StringValues>
        {
            ["from"] = From.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z",
            ["to"] = DayEnd.Of(To.Value).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["groupBy"] = GroupBy ?? "day",
            ["agency"] = OwnAgency ?? Agency,
            ["client"] = Client,
            ["service"] = Service,
        };
        if (!UsageQuery.TryParse(new QueryCollection(parameters), now, out var query, out var error))
        {
            Fail(error!, StatusCodes.Status400BadRequest);
            return null;
        }

        return UsageReport.Build(query!, await Services<IUsageStore>().QueryAsync(query!.Filter, HttpContext.RequestAborted));
    }
}
