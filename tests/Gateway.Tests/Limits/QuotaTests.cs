using System.Net;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Limits;

public sealed class QuotaTests : IAsyncLifetime
{
    private const string Enterprise = "/enterprise/v1/enterprises/0109999001";
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task Call_over_the_daily_quota_is_429_until_midnight_utc_and_metered_as_quota_exceeded()
    {
        var gateway = await _workspace.StartGatewayAsync("--Metering:FlushInterval=00:00:00.100");
        var client = gateway.Data;
        var token = await client.TokenAsync("qta-app");
        for (var i = 0; i < TestRegistry.QtaDailyQuota; i++)
        {
            using var admitted = await client.CallAsync(HttpMethod.Get, Enterprise, token);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        using var refused = await client.CallAsync(HttpMethod.Get, Enterprise, token);

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "quota-exceeded");
        var untilMidnight = (DateTime.UtcNow.Date.AddDays(1) - DateTime.UtcNow).TotalSeconds;
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, untilMidnight - 5, untilMidnight + 5);
        var records = await gateway.StoredRecordsAsync("QTA", DateTimeOffset.UtcNow.AddHours(-1), r => r.Count >= TestRegistry.QtaDailyQuota + 1);
        Assert.Equal(TestRegistry.QtaDailyQuota, records.Count(r => r.Outcome == Outcome.Ok));
        Assert.Equal(1, records.Count(r => r.Outcome == Outcome.QuotaExceeded && r.Status == 429));
        // The quota counter and metering agree on what was admitted under the grant.
        var (today, month) = gateway.Services.GetRequiredService<QuotaCounters>().Used("qta-enterprise", DateTimeOffset.UtcNow);
        Assert.Equal(records.Count(r => r.Admitted && r.Grant == "qta-enterprise"), today);
        Assert.Equal(today, month);
    }

    [Fact]
    public async Task Restart_does_not_reset_the_quota()
    {
        var gateway = await _workspace.StartGatewayAsync("--Metering:FlushInterval=00:00:00.100");
        var client = gateway.Data;
        var token = await client.TokenAsync("qta-app");
        for (var i = 0; i < TestRegistry.QtaDailyQuota; i++)
        {
            using var admitted = await client.CallAsync(HttpMethod.Get, Enterprise, token);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        // A graceful stop flushes metering; the next start rebuilds the counters from it.
        await gateway.StopAsync();
        var restarted = (await _workspace.StartGatewayAsync("--Metering:FlushInterval=00:00:00.100")).Data;
        using var refused = await restarted.CallAsync(HttpMethod.Get, Enterprise, await restarted.TokenAsync("qta-app"));

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests, "quota-exceeded");
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

}
