using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Limits;

/// <summary>
/// Quotas kept in Redis across a UTC day and month end: each call carries its moment, so the test chooses it; the
/// answer says when the exhausted quota resets.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RedisCallLimiterTests(RedisServer redis) : IAsyncLifetime
{
    private static readonly Service Service = new() { Id = "svc", Provider = "P", PathPrefix = "/svc", Destinations = ["http://127.0.0.1:1"] };
    private static readonly DateTimeOffset MidMonth = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NextMonth = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private SharedRedis _redis = null!;
    private RedisCallLimiter _limiter = null!;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        // A generous timeout: these tests are about the answers, which a fallback to local limits would also give.
        var options = Options.Create(new LimitsOptions { Redis = redis.Configuration, RedisTimeout = TimeSpan.FromSeconds(5) });
        var quotas = new QuotaCounters();
        _redis = new SharedRedis(options, NullLogger<SharedRedis>.Instance);
        _limiter = new RedisCallLimiter(_redis, new LocalCallLimiter(quotas, new LiveReplicas(options)), quotas);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task An_exhausted_monthly_quota_is_refused_until_the_first_of_the_next_month_even_with_a_daily_quota_left()
    {
        var grant = new Grant { Id = $"monthly-{Guid.NewGuid():N}", ConsumerAgency = "A", Service = "svc", DailyQuota = 100, MonthlyQuota = 2 };

        Assert.True((await AcquireAsync(grant, MidMonth)).Admitted);
        Assert.True((await AcquireAsync(grant, MidMonth)).Admitted);
        var refused = await AcquireAsync(grant, MidMonth);
        var lastSecond = await AcquireAsync(grant, NextMonth.AddSeconds(-1));

        Assert.Equal(LimitReason.Quota, refused.Reason);
        Assert.Equal(NextMonth - MidMonth, refused.RetryAfter);
        Assert.Equal(LimitReason.Quota, lastSecond.Reason);
        Assert.Equal(TimeSpan.FromSeconds(1), lastSecond.RetryAfter);
        Assert.False(_redis.InFallback);
        Assert.True((await AcquireAsync(grant, NextMonth)).Admitted);
    }

    [Fact]
    public async Task An_exhausted_daily_quota_is_refused_until_midnight_and_counts_towards_the_month()
    {
        var grant = new Grant { Id = $"daily-{Guid.NewGuid():N}", ConsumerAgency = "A", Service = "svc", DailyQuota = 2, MonthlyQuota = 3 };
        var evening = new DateTimeOffset(2026, 1, 30, 23, 59, 59, TimeSpan.Zero);

        Assert.True((await AcquireAsync(grant, evening)).Admitted);
        var second = await AcquireAsync(grant, evening);
        Assert.Equal(0, second.DailyQuotaLeft);
        var refused = await AcquireAsync(grant, evening);
        Assert.Equal(LimitReason.Quota, refused.Reason);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);

        // Next day: the daily quota is fresh, but the month has one call left.
        var morning = evening.AddSeconds(1);
        Assert.True((await AcquireAsync(grant, morning)).Admitted);
        var monthFull = await AcquireAsync(grant, morning);
        Assert.Equal(LimitReason.Quota, monthFull.Reason);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero) - morning, monthFull.RetryAfter);
        Assert.False(_redis.InFallback);
    }

    private async Task<LimitDecision> AcquireAsync(Grant grant, DateTimeOffset now) =>
        await _limiter.AcquireAsync(new LimitRequest(grant, null, Service, now), CancellationToken.None);
}
