using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway.Web.Console;

/// <summary>
/// The platform over the last 24 hours, from the metering store's hourly aggregates: the same figures on every
/// replica (the store is shared), complete up to the last flush (a second ago). Calls per second are hourly averages;
/// the current hour's over the part of it that has passed.
/// </summary>
public sealed class Dashboard
{
    public const int Hours = 24;

    private Dashboard(IReadOnlyList<DateTimeOffset> hours, IReadOnlyList<ServiceFigures> services, IReadOnlyList<(string Name, long Calls)> agencies, IReadOnlyList<(string Name, string Agency, long Calls)> clients)
    {
        HoursShown = hours;
        Services = services;
        TopAgencies = agencies;
        TopClients = clients;
    }

    public IReadOnlyList<DateTimeOffset> HoursShown { get; }

    public IReadOnlyList<ServiceFigures> Services { get; }

    public IReadOnlyList<(string Name, long Calls)> TopAgencies { get; }

    public IReadOnlyList<(string Name, string Agency, long Calls)> TopClients { get; }

    public static async Task<Dashboard> BuildAsync(IUsageStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var currentHour = HourlyUsage.HourOf(now);
        var from = currentHour.AddHours(1 - Hours);
        var usage = await store.QueryAsync(new UsageFilter(from, currentHour.AddHours(1)), cancellationToken);
        var hours = Enumerable.Range(0, Hours).Select(i => from.AddHours(i)).ToList();
        var seconds = hours.Select(hour => hour == currentHour ? Math.Max(1, (now - currentHour).TotalSeconds) : 3600).ToList();

        var services = usage.GroupBy(u => u.Key.Service).OrderBy(g => g.Key, StringComparer.Ordinal).Select(service =>
        {
            var total = new HourlyUsage(default);
            // Latency of the calls let through: refusals answer in microseconds and would hide a slow provider.
            foreach (var hourly in service.Where(u => u.Key.Outcome.IsAdmitted()))
            {
                total.Add(hourly);
            }

            var failed = service.Where(u => u.Key.Outcome is Outcome.UpstreamError or Outcome.Timeout or Outcome.GatewayError).Sum(u => u.Count);
            var refused = service.Where(u => !u.Key.Outcome.IsAdmitted()).Sum(u => u.Count);
            var perSecond = hours.Select((hour, i) => Math.Round(service.Where(u => u.Key.Hour == hour).Sum(u => u.Count) / seconds[i], 3)).ToList();
            var p99 = total.LatencyQuantileMs(0.99);
            return new ServiceFigures(
                service.Key, total.Count, perSecond, Ratio(failed, total.Count), Ratio(refused, total.Count), double.IsFinite(p99) ? p99 : null,
                service.Where(u => u.Key.Outcome == Outcome.RateLimited).Sum(u => u.Count), service.Where(u => u.Key.Outcome == Outcome.QuotaExceeded).Sum(u => u.Count));
        }).ToList();

        var agencies = usage.GroupBy(u => u.Key.Agency).Select(g => (g.Key, g.Sum(u => u.Count))).OrderByDescending(a => a.Item2).ThenBy(a => a.Key, StringComparer.Ordinal).Take(10).ToList();
        var clients = usage.GroupBy(u => (u.Key.Client, u.Key.Agency)).Select(g => (g.Key.Client, g.Key.Agency, g.Sum(u => u.Count)))
            .OrderByDescending(c => c.Item3).ThenBy(c => c.Client, StringComparer.Ordinal).Take(10).ToList();
        return new Dashboard(hours, services, agencies, clients);
    }

    private static double Ratio(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);
}

/// <summary>
/// One service's figures over the dashboard's window; <see cref="P99Ms"/> is null above the last latency bucket (10 s).
/// <see cref="RateLimited"/> and <see cref="QuotaExceeded"/> are the calls the limits turned away.
/// </summary>
public sealed record ServiceFigures(
    string Service, long Calls, IReadOnlyList<double> CallsPerSecondByHour, double ErrorRatio, double RefusalRatio, double? P99Ms, long RateLimited, long QuotaExceeded);
