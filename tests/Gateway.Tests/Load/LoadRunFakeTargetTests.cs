using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Ndxp.Gateway.Load;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Load;

/// <summary>The load run against targets in the test process: one that stalls, one that never answers, one that refreshes tokens.</summary>
public sealed class LoadRunFakeTargetTests
{
    private static readonly Uri Target = new("http://127.0.0.1:1");

    [Fact]
    public async Task A_stall_of_the_sender_shows_in_latency_from_intended_start_not_in_service_time()
    {
        // 100 calls/s for 200 ms on a fake clock; the clock moves 10 ms at a time except one jump of 50 ms after the
        // fifth call: the four calls meant for the stall are sent late, and their latency says so.
        var time = new FakeTimeProvider();
        var target = new FakeTarget();
        var options = Options(InjectionProfile.Constant(100, TimeSpan.FromMilliseconds(200))) with { Progress = false };
        await using var run = new LoadRun(options, time, TextWriter.Null, target);
        var running = run.RunAsync(CancellationToken.None);

        await AwaitCallsAsync(target, 1);
        for (var sent = 1; sent < 20; sent = target.Calls)
        {
            time.Advance(TimeSpan.FromMilliseconds(sent == 5 ? 50 : 10));
            await AwaitCallsAsync(target, sent + 1);
        }

        time.Advance(TimeSpan.FromMilliseconds(10));
        var report = LoadReport.Build(options, await running);

        Assert.Equal(20, report.Totals.Answered);
        Assert.Equal(40, report.LatencyMs.Max, 1);
        Assert.Equal(0, report.LatencyMs.P50);
        Assert.Equal(0, report.ServiceTimeMs.Max);
        Assert.Equal(40, report.SchedulerLagMs.Max, 1);
    }

    [Fact]
    public async Task Calls_of_the_warm_up_are_counted_but_not_in_the_latencies()
    {
        var time = new FakeTimeProvider();
        var target = new FakeTarget();
        var options = Options(InjectionProfile.Constant(100, TimeSpan.FromMilliseconds(100))) with { Warmup = TimeSpan.FromMilliseconds(50), Progress = false };
        await using var run = new LoadRun(options, time, TextWriter.Null, target);
        var running = run.RunAsync(CancellationToken.None);

        await AwaitCallsAsync(target, 1);
        for (var sent = 1; sent < 10; sent = target.Calls)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            await AwaitCallsAsync(target, sent + 1);
        }

        var report = LoadReport.Build(options, await running);

        Assert.Equal(10, report.Totals.Answered);
        Assert.Equal(10, Assert.Single(report.Usage).Answered);
        Assert.Equal(5, report.LatencyMs.Count);
        Assert.Equal(5, report.ServiceTimeMs.Count);
    }

    [Fact]
    public async Task A_target_that_never_answers_ends_in_timeouts_and_the_cap_counts_what_it_kept_from_starting()
    {
        var target = new FakeTarget(async (_, cancel) =>
        {
            await Task.Delay(Timeout.Infinite, cancel);
            return HttpStatusCode.OK;
        });
        var options = Options(InjectionProfile.Constant(200, TimeSpan.FromSeconds(1))) with
        {
            MaxInFlight = 5,
            Timeout = TimeSpan.FromMilliseconds(300),
            MaxErrorRatio = 0.001,
            Progress = false,
        };
        await using var run = new LoadRun(options, TimeProvider.System, TextWriter.Null, target);

        var report = LoadReport.Build(options, await run.RunAsync(CancellationToken.None));

        Assert.Equal(0, report.Totals.Answered);
        Assert.InRange(report.Totals.Sent, 5, 40);
        Assert.Equal(report.Totals.Sent, report.Totals.Timeouts);
        Assert.Equal(report.Totals.Scheduled, report.Totals.Sent + report.Totals.NotStarted);
        Assert.InRange(report.Totals.NotStarted, 150, 200);
        Assert.InRange(report.ElapsedSeconds, 1, 3);
        Assert.False(Assert.Single(report.Thresholds).Passed);
    }

    [Fact]
    public async Task A_token_is_refreshed_in_the_background_at_80_percent_of_its_lifetime()
    {
        var time = new FakeTimeProvider();
        using var target = new FakeTarget(tokenLifetimeSeconds: 100);
        using var http = new HttpClient(target);
        await using var token = new ClientToken(ScenarioCatalog.DemoClients[0], http, Target, time);

        await token.StartAsync(CancellationToken.None);
        Assert.Equal("Bearer token-1", token.Current.ToString());

        time.Advance(TimeSpan.FromSeconds(79));
        Assert.Equal(1, token.Fetches);
        time.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => token.Fetches == 2, "token refreshed at 80 s");
        Assert.Equal("Bearer token-2", token.Current.ToString());

        time.Advance(TimeSpan.FromSeconds(80));
        await Poll.UntilAsync(() => token.Fetches == 3, "token refreshed again 80 s later");
    }

    [Fact]
    public async Task Reports_are_written_as_markdown_and_json_with_counts_per_agency_and_service()
    {
        var target = new FakeTarget((request, _) => Task.FromResult(request.RequestUri!.AbsolutePath.StartsWith("/enterprise", StringComparison.Ordinal) ? HttpStatusCode.Forbidden : HttpStatusCode.OK));
        var directory = Directory.CreateTempSubdirectory("ndxp-load-report-").FullName;
        try
        {
            var options = Options(InjectionProfile.Constant(500, TimeSpan.FromMilliseconds(200))) with
            {
                Mix = [new("subscriber-verification", 1), new("denied", 1), new("bank-ekyc", 1)],
                Progress = false,
            };
            await using var run = new LoadRun(options, TimeProvider.System, TextWriter.Null, target);

            var report = LoadReport.Build(options, await run.RunAsync(CancellationToken.None));
            await report.WriteAsync(directory);

            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "report.json")));
            var usage = json.RootElement.GetProperty("usage").EnumerateArray().ToDictionary(
                u => $"{u.GetProperty("agency").GetString()} {u.GetProperty("service").GetString()}",
                u => u.GetProperty("statuses").EnumerateObject().ToDictionary(s => s.Name, s => s.Value.GetInt64()));
            Assert.Equal(["VCB population-citizen-lookup", "VIETTEL enterprise-lookup", "VIETTEL population-citizen-lookup"], usage.Keys.Order());
            Assert.Equal("403", Assert.Single(usage["VIETTEL enterprise-lookup"]).Key);
            Assert.Equal(report.Totals.Answered, usage.Values.Sum(s => s.Values.Sum()));
            Assert.Equal(0, report.Totals.Errors);
            var markdown = await File.ReadAllTextAsync(Path.Combine(directory, "report.md"));
            Assert.Contains("| denied | enterprise-lookup | viettel-sim | 403 |", markdown, StringComparison.Ordinal);
            Assert.Contains("| VIETTEL | enterprise-lookup |", markdown, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task An_anonymous_run_fetches_no_token_and_sends_neither_credentials_nor_a_purpose()
    {
        var time = new FakeTimeProvider();
        var bare = 0;
        var target = new FakeTarget((request, _) =>
        {
            if (request.Headers.Authorization is null && !request.Headers.Contains("X-Purpose"))
            {
                Interlocked.Increment(ref bare);
            }

            return Task.FromResult(HttpStatusCode.OK);
        });
        var options = Options(InjectionProfile.Constant(100, TimeSpan.FromMilliseconds(50))) with { Anonymous = true, Progress = false };
        await using var run = new LoadRun(options, time, TextWriter.Null, target);
        var running = run.RunAsync(CancellationToken.None);

        await AwaitCallsAsync(target, 1);
        for (var sent = 1; sent < 5; sent = target.Calls)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            await AwaitCallsAsync(target, sent + 1);
        }

        time.Advance(TimeSpan.FromMilliseconds(10));
        var report = LoadReport.Build(options, await running);

        Assert.Equal(0, target.Tokens);
        Assert.Equal(5, report.Totals.Answered);
        Assert.Equal(5, Volatile.Read(ref bare));
    }

    private static LoadOptions Options(InjectionProfile profile) => new()
    {
        Target = Target,
        Profile = profile,
        Duration = profile.Duration,
        Mix = [new("subscriber-verification", 1)],
    };

    // The scheduler runs on a thread of its own: waits (without sleeping a fixed time) until it has sent what is due.
    private static async Task AwaitCallsAsync(FakeTarget target, int calls) =>
        await Poll.UntilAsync(() => target.Calls >= calls, $"{calls} calls sent", TimeSpan.FromSeconds(10));
}
