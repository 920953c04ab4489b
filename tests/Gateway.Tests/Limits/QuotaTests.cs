using System.Net;
using Microsoft.Extensions.Time.Testing;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Limits;

/// <summary>
/// Quotas through HTTP on a gateway whose clock the test holds, so that the day and month boundaries are crossed on
/// purpose and never by accident. Tokens come from <see cref="TokenForge"/>: validation uses the real clock.
/// </summary>
public sealed class QuotaTests : IAsyncLifetime
{
    private const string Enterprise = "/enterprise/v1/enterprises/0109999001";
    private const int MonthlyQuota = 3;
    private static readonly DateTimeOffset Noon = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task Call_over_the_daily_quota_is_429_until_midnight_utc_admitted_after_it_and_metered_as_quota_exceeded()
    {
        var clock = new FakeTimeProvider(Noon);
        var gateway = await _workspace.StartGatewayAsync(clock);
        using var forge = new TokenForge(_workspace.DataDirectory, gateway.Issuer);
        var token = forge.Signed(clientId: "qta-app", agency: "QTA");
        for (var i = 0; i < TestRegistry.QtaDailyQuota; i++)
        {
            using var admitted = await gateway.Data.CallAsync(HttpMethod.Get, Enterprise, token);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        using (var refused = await gateway.Data.CallAsync(HttpMethod.Get, Enterprise, token))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "quota-exceeded");
            Assert.Equal(TimeSpan.FromHours(12), refused.Headers.RetryAfter!.Delta);
        }

        clock.Advance(TimeSpan.FromHours(12));
        using (var nextDay = await gateway.Data.CallAsync(HttpMethod.Get, Enterprise, token))
        {
            Assert.Equal(HttpStatusCode.OK, nextDay.StatusCode);
        }

        var (today, month) = gateway.Services.GetRequiredService<QuotaCounters>().Used("qta-enterprise", clock.GetUtcNow());
        Assert.Equal((1, TestRegistry.QtaDailyQuota + 1), (today, month));

        // A graceful stop writes what metering holds (its flush timer runs on the held clock).
        await gateway.StopAsync();
        var records = await gateway.Services.GetRequiredService<IUsageStore>().ReadRecordsAsync("QTA", Noon.AddHours(-1), Noon.AddDays(2), CancellationToken.None);
        Assert.Equal(TestRegistry.QtaDailyQuota + 1, records.Count(r => r.Outcome == Outcome.Ok && r.Grant == "qta-enterprise"));
        Assert.Equal(1, records.Count(r => r.Outcome == Outcome.QuotaExceeded && r.Status == 429));
        // The quota counter and metering agree on what was admitted under the grant.
        Assert.Equal(month, records.Count(r => r.Admitted && r.Grant == "qta-enterprise"));
    }

    [Fact]
    public async Task Restart_does_not_reset_the_quota()
    {
        var clock = new FakeTimeProvider(Noon);
        var gateway = await _workspace.StartGatewayAsync(clock);
        using var forge = new TokenForge(_workspace.DataDirectory, gateway.Issuer);
        var token = forge.Signed(clientId: "qta-app", agency: "QTA");
        for (var i = 0; i < TestRegistry.QtaDailyQuota; i++)
        {
            using var admitted = await gateway.Data.CallAsync(HttpMethod.Get, Enterprise, token);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        // A graceful stop flushes metering; the next start rebuilds the counters from it.
        await gateway.StopAsync();
        var restarted = await _workspace.StartGatewayAsync(clock);
        using var restartedForge = new TokenForge(_workspace.DataDirectory, restarted.Issuer);
        using var refused = await restarted.Data.CallAsync(HttpMethod.Get, Enterprise, restartedForge.Signed(clientId: "qta-app", agency: "QTA"));

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "quota-exceeded");
    }

    [Fact]
    public async Task Call_over_the_monthly_quota_is_429_until_the_month_starts_and_admitted_once_it_has()
    {
        var registry = _workspace.Registry;
        registry = registry with
        {
            Agencies = [.. registry.Agencies, new Agency { Code = "MQ", Name = "An agency with a monthly quota", Kind = AgencyKind.Other }],
            Clients = [.. registry.Clients, new Client { Id = "mq-app", Agency = "MQ", SecretHash = TestRegistry.SecretHash }],
            Grants = [.. registry.Grants, new Grant { Id = "mq-enterprise", ConsumerAgency = "MQ", Service = "enterprise", MonthlyQuota = MonthlyQuota }],
        };
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 31, 23, 59, 0, TimeSpan.Zero));
        var gateway = await _workspace.StartGatewayAsync(registry, clock);
        using var forge = new TokenForge(_workspace.DataDirectory, gateway.Issuer);
        var token = forge.Signed(clientId: "mq-app", agency: "MQ");
        for (var i = 0; i < MonthlyQuota; i++)
        {
            using var admitted = await gateway.Data.CallAsync(HttpMethod.Get, Enterprise, token);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        using (var refused = await gateway.Data.CallAsync(HttpMethod.Get, Enterprise, token))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "quota-exceeded");
            Assert.Equal(TimeSpan.FromMinutes(1), refused.Headers.RetryAfter!.Delta);
        }

        clock.Advance(TimeSpan.FromSeconds(59));
        using (var lastSecond = await gateway.Data.CallAsync(HttpMethod.Get, Enterprise, token))
        {
            await ProblemAssert.IsProblemAsync(lastSecond, HttpStatusCode.TooManyRequests, "quota-exceeded");
            Assert.Equal(TimeSpan.FromSeconds(1), lastSecond.Headers.RetryAfter!.Delta);
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        using var february = await gateway.Data.CallAsync(HttpMethod.Get, Enterprise, token);
        Assert.Equal(HttpStatusCode.OK, february.StatusCode);
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();
}
