using System.Collections.Concurrent;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// Calls admitted per grant in the current UTC day and month, kept in process for one node. They start from what
/// metering stored (so a restart does not reset a quota) and then count each admission, which metering records as
/// well: both agree. Shared counters for several replicas come with the Redis limiter.
/// </summary>
public sealed class QuotaCounters
{
    private readonly ConcurrentDictionary<string, GrantUsage> _usage = new(StringComparer.Ordinal);

    /// <summary>
    /// Counts an admission unless it would pass a quota; then says until when the quota stays used up. Reports the
    /// admissions counted today, this one included.
    /// </summary>
    public bool TryConsume(Grant grant, DateTimeOffset now, out DateTimeOffset resetsAt, out long usedToday)
    {
        ArgumentNullException.ThrowIfNull(grant);
        resetsAt = default;
        usedToday = 0;
        if (grant.DailyQuota is null && grant.MonthlyQuota is null)
        {
            return true;
        }

        var usage = _usage.GetOrAdd(grant.Id, _ => new GrantUsage());
        lock (usage)
        {
            usage.RollOver(now);
            var monthFull = grant.MonthlyQuota is { } monthly && usage.Month >= monthly;
            var dayFull = grant.DailyQuota is { } daily && usage.Day >= daily;
            if (monthFull || dayFull)
            {
                resetsAt = monthFull ? NextMonth(now) : NextDay(now);
                usedToday = usage.Day;
                return false;
            }

            usedToday = ++usage.Day;
            usage.Month++;
            return true;
        }
    }

    /// <summary>Counts an admission decided elsewhere (by Redis), so the counters are current if Redis fails later.</summary>
    public void Count(Grant grant, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (grant.DailyQuota is null && grant.MonthlyQuota is null)
        {
            return;
        }

        var usage = _usage.GetOrAdd(grant.Id, _ => new GrantUsage());
        lock (usage)
        {
            usage.RollOver(now);
            usage.Day++;
            usage.Month++;
        }
    }

    /// <summary>Replaces the counters with the admissions metering stored for the current day and month.</summary>
    public async Task LoadAsync(IUsageStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var dayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var hourly = await store.QueryAsync(new UsageFilter(monthStart, HourlyUsage.HourOf(now).AddHours(1)), cancellationToken);

        _usage.Clear();
        foreach (var usage in hourly.Where(u => u.Key.Grant is not null && u.Key.Outcome.IsAdmitted()))
        {
            var counters = _usage.GetOrAdd(usage.Key.Grant!, _ => new GrantUsage());
            counters.RollOver(now);
            counters.Month += usage.Count;
            if (usage.Key.Hour >= dayStart)
            {
                counters.Day += usage.Count;
            }
        }
    }

    /// <summary>Admissions counted for a grant today and this month (UTC).</summary>
    public (long Day, long Month) Used(string grantId, DateTimeOffset now)
    {
        if (!_usage.TryGetValue(grantId, out var usage))
        {
            return (0, 0);
        }

        lock (usage)
        {
            usage.RollOver(now);
            return (usage.Day, usage.Month);
        }
    }

    /// <summary>When a daily quota resets: the next UTC midnight.</summary>
    internal static DateTimeOffset NextDay(DateTimeOffset now) => new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);

    /// <summary>When a monthly quota resets: the first of the next UTC month.</summary>
    internal static DateTimeOffset NextMonth(DateTimeOffset now) => new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);

    private sealed class GrantUsage
    {
        private int _dayIndex = -1;
        private int _monthIndex = -1;

        public long Day { get; set; }

        public long Month { get; set; }

        public void RollOver(DateTimeOffset now)
        {
            var utc = now.UtcDateTime;
            var day = (int)(utc.Date - DateTime.UnixEpoch).TotalDays;
            var month = (utc.Year * 12) + utc.Month;
            if (day != _dayIndex)
            {
                _dayIndex = day;
                Day = 0;
            }

            if (month != _monthIndex)
            {
                _monthIndex = month;
                Month = 0;
            }
        }
    }
}
