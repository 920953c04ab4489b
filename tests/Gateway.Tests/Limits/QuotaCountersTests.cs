using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Tests.Limits;

/// <summary>Daily and monthly quotas per grant across the UTC day and month boundaries.</summary>
public sealed class QuotaCountersTests
{
    private static readonly DateTimeOffset LastSecondOfJanuary = new(2026, 1, 31, 23, 59, 59, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstOfFebruary = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Monthly_quota_used_up_in_the_last_second_of_the_month_resets_at_the_start_of_the_next()
    {
        var counters = new QuotaCounters();
        var grant = Grant(monthly: 3);
        Assert.True(counters.TryConsume(grant, new DateTimeOffset(2026, 1, 2, 8, 0, 0, TimeSpan.Zero), out _, out _));
        Assert.True(counters.TryConsume(grant, new DateTimeOffset(2026, 1, 20, 8, 0, 0, TimeSpan.Zero), out _, out _));
        Assert.True(counters.TryConsume(grant, LastSecondOfJanuary.AddMinutes(-1), out _, out _));

        Assert.False(counters.TryConsume(grant, LastSecondOfJanuary, out var resetsAt, out _));
        Assert.Equal(FirstOfFebruary, resetsAt);
        Assert.Equal((1, 3), counters.Used(grant.Id, LastSecondOfJanuary));

        Assert.True(counters.TryConsume(grant, FirstOfFebruary, out _, out var usedToday));
        Assert.Equal(1, usedToday);
        Assert.Equal((1, 1), counters.Used(grant.Id, FirstOfFebruary));
    }

    [Fact]
    public void Daily_quota_resets_at_midnight_utc_and_says_so()
    {
        var counters = new QuotaCounters();
        var grant = Grant(daily: 2);
        var evening = new DateTimeOffset(2026, 1, 15, 22, 0, 0, TimeSpan.Zero);
        Assert.True(counters.TryConsume(grant, evening, out _, out var first));
        Assert.True(counters.TryConsume(grant, evening, out _, out var second));
        Assert.Equal((1, 2), (first, second));

        Assert.False(counters.TryConsume(grant, evening.AddHours(1.99), out var resetsAt, out var usedToday));
        Assert.Equal(new DateTimeOffset(2026, 1, 16, 0, 0, 0, TimeSpan.Zero), resetsAt);
        Assert.Equal(2, usedToday);
        Assert.True(counters.TryConsume(grant, resetsAt, out _, out _));
    }

    [Fact]
    public void With_both_quotas_the_day_resets_first_and_a_used_up_month_outlasts_it()
    {
        var counters = new QuotaCounters();
        var grant = Grant(daily: 2, monthly: 3);
        var day = new DateTimeOffset(2026, 1, 30, 10, 0, 0, TimeSpan.Zero);
        Assert.True(counters.TryConsume(grant, day, out _, out _));
        Assert.True(counters.TryConsume(grant, day, out _, out _));

        // The day is full, the month not: until tomorrow.
        Assert.False(counters.TryConsume(grant, day, out var dayReset, out _));
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 0, 0, 0, TimeSpan.Zero), dayReset);

        // Tomorrow the third call of the month is admitted; then the month is full: until February, not the next day.
        Assert.True(counters.TryConsume(grant, dayReset, out _, out _));
        Assert.False(counters.TryConsume(grant, LastSecondOfJanuary, out var monthReset, out var usedToday));
        Assert.Equal(FirstOfFebruary, monthReset);
        Assert.Equal(1, usedToday);
        Assert.Equal((1, 3), counters.Used(grant.Id, LastSecondOfJanuary));

        Assert.True(counters.TryConsume(grant, FirstOfFebruary, out _, out _));
    }

    [Fact]
    public void A_grant_without_quotas_is_never_counted_or_refused()
    {
        var counters = new QuotaCounters();
        var grant = Grant();
        for (var i = 0; i < 100; i++)
        {
            Assert.True(counters.TryConsume(grant, LastSecondOfJanuary, out _, out _));
        }

        Assert.Equal((0, 0), counters.Used(grant.Id, LastSecondOfJanuary));
    }

    private static Grant Grant(long? daily = null, long? monthly = null) =>
        new() { Id = "g", ConsumerAgency = "A", Service = "s", DailyQuota = daily, MonthlyQuota = monthly };
}
