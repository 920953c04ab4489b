using Microsoft.Extensions.Diagnostics.HealthChecks;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Metering;

namespace Ndxp.Gateway.Web.Console;

/// <summary>The dashboard: traffic, errors and latency per service, top agencies and clients, and this replica's health.</summary>
public sealed class IndexModel : ConsolePage
{
    public Dashboard? Figures { get; private set; }

    public HealthReport? Health { get; private set; }

    public double MeteringBacklog => MeteringMetrics.Backlog.Value;

    public double SpoolBytes => MeteringMetrics.SpoolBytes.Value;

    public double FlushFailures => MeteringMetrics.FlushFailures.Value;

    public async Task OnGetAsync()
    {
        Figures = await Dashboard.BuildAsync(Services<IUsageStore>(), Clock.GetUtcNow(), HttpContext.RequestAborted);
        Health = await Services<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains(ReadinessChecks.ReadyTag), HttpContext.RequestAborted);
    }

    public ChartSpec CallsPerSecond(string yTitle) => new(
        "line",
        [.. Figures!.HoursShown.Select(hour => hour.ToString("HH:00", System.Globalization.CultureInfo.InvariantCulture))],
        [.. Figures.Services.Select(s => new ChartSeries(s.Service, s.CallsPerSecondByHour))],
        Y: yTitle);

    public ChartSpec ErrorsAndLatency(string errors, string p99) => new(
        "bar",
        [.. Figures!.Services.Select(s => s.Service)],
        [new ChartSeries(errors, [.. Figures.Services.Select(s => Math.Round(s.ErrorRatio * 100, 2))]), new ChartSeries(p99, [.. Figures.Services.Select(s => s.P99Ms ?? 0)])]);

    public ChartSpec Limits(string rateLimited, string quotaExceeded) => new(
        "bar",
        [.. Figures!.Services.Select(s => s.Service)],
        [new ChartSeries(rateLimited, [.. Figures.Services.Select(s => (double)s.RateLimited)]), new ChartSeries(quotaExceeded, [.. Figures.Services.Select(s => (double)s.QuotaExceeded)])],
        Stacked: true);

    public ChartSpec TopAgencies(string calls) => new(
        "bar", [.. Figures!.TopAgencies.Select(a => a.Name)], [new ChartSeries(calls, [.. Figures.TopAgencies.Select(a => (double)a.Calls)])]);
}
