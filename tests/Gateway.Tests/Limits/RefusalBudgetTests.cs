using System.Net;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Limits;

/// <summary>
/// A client flooding refusals spends its refusal budget: beyond it, its refusals are counted in the hourly aggregates
/// only (the store holds a bounded number of its records), and its calls are refused at once with a 429 until the
/// budget refills. Other clients are not touched.
/// </summary>
public sealed class RefusalBudgetTests : IAsyncLifetime
{
    private const int Burst = 10;
    private const double PerSecond = 0.5;
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task A_client_flooding_refusals_gets_cheap_429s_and_only_its_budget_of_records_while_every_call_is_counted()
    {
        var gateway = await _workspace.StartGatewayAsync($"--Limits:RefusalBurst={Burst}", $"--Limits:RefusalsPerSecond={PerSecond}");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var flooder = await gateway.Data.TokenAsync("hni-portal");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // hni-portal holds no grant for echo: every call is a 403 until the budget is spent.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            using var response = await gateway.Data.CallAsync(HttpMethod.Get, "/echo/x", flooder, "public-service");
            statuses.Add(response.StatusCode);
        }

        var elapsed = clock.Elapsed;
        Assert.True(statuses.Take(Burst).All(s => s == HttpStatusCode.Forbidden), string.Join(",", statuses));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests, $"status {s}"));

        // Spent: even a call its grant allows is refused at once, with the time to wait.
        using (var allowed = await gateway.Data.CallAsync(HttpMethod.Get, "/enterprise/v1/enterprises/0100109106", flooder))
        {
            await ProblemAssert.IsProblemAsync(allowed, HttpStatusCode.TooManyRequests, "refusal-budget-exceeded");
            Assert.InRange(int.Parse(allowed.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, (int)Math.Ceiling(1 / PerSecond));
        }

        // Another client of the same agency is not touched.
        using (var other = await gateway.Data.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", await gateway.Data.TokenAsync("hni-other"), "public-service"))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        // The store holds the budget's records of the flooder; the hourly totals count all 101 calls.
        var records = await gateway.StoredRecordsAsync("HNI", since, r => r.Count(x => x.Client == "hni-other") == 1);
        var stored = records.Count(r => r.Client == "hni-portal");
        Assert.InRange(stored, Burst, Burst + (int)Math.Ceiling(elapsed.TotalSeconds * PerSecond) + 1);
        var hourly = await gateway.Services.GetRequiredService<IUsageStore>().QueryAsync(
            new UsageFilter(HourlyUsage.HourOf(since), HourlyUsage.HourOf(DateTimeOffset.UtcNow).AddHours(1)) { Agency = "HNI" }, CancellationToken.None);
        Assert.Equal(101, hourly.Where(h => h.Key.Client == "hni-portal").Sum(h => h.Count));
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.TooManyRequests) + 1,
            hourly.Where(h => h.Key.Client == "hni-portal" && h.Key.Outcome == Outcome.RateLimited).Sum(h => h.Count));

        // Once the budget holds a token again, the client's allowed calls pass.
        await Poll.UntilAsync(async () =>
        {
            using var again = await gateway.Data.CallAsync(HttpMethod.Get, "/enterprise/v1/enterprises/0100109106", flooder);
            return again.StatusCode == HttpStatusCode.OK;
        }, "an allowed call passing once the budget refilled");
    }

    [Fact]
    public async Task Calls_over_a_grants_rate_spend_the_budget_into_aggregates_but_keep_the_clients_rate()
    {
        var gateway = await _workspace.StartGatewayAsync($"--Limits:RefusalBurst={Burst}", $"--Limits:RefusalsPerSecond={PerSecond}");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var token = await gateway.Data.TokenAsync("rl-app");

        // rl-limited allows 5/s (burst 5): 60 calls at once are 5 admitted and 55 rate-limited.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 60).Select(async _ =>
        {
            using var response = await gateway.Data.CallAsync(HttpMethod.Get, "/limited/x", token);
            return response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"status {s}"));
        // Rate-limited refusals do not stop the client: its next call within its rate passes.
        await Poll.UntilAsync(async () =>
        {
            using var again = await gateway.Data.CallAsync(HttpMethod.Get, "/limited/x", token);
            return again.StatusCode == HttpStatusCode.OK;
        }, "a call within the grant's rate passing");
        var records = await gateway.StoredRecordsAsync("RL", since, r => r.Count(x => x.Outcome == Outcome.Ok) >= 6);
        Assert.InRange(records.Count(r => r.Outcome == Outcome.RateLimited), Burst, Burst + 3);
    }
}
