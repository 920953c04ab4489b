using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Ndxp.Gateway.DemoProviders;
using Ndxp.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ndxp.Gateway.Tests.Admin;

/// <summary>
/// Operators change routes, destinations, grants and limits while agencies call: no call that should succeed
/// before and after a change fails during it.
/// </summary>
public sealed class LiveChangeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int ChangeRounds = 12;
    private readonly AdminFixture _gateway = new();
    private WebApplication? _secondProviders;
    private string _secondProvidersUrl = "";

    public async Task InitializeAsync()
    {
        await _gateway.InitializeAsync();
        _secondProvidersUrl = $"http://127.0.0.1:{FreePort.Next()}";
        _secondProviders = DemoProviderApp.Build([], _secondProvidersUrl);
        await _secondProviders.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _secondProviders!.DisposeAsync();
    }

    [Fact]
    public async Task Steady_load_sees_no_failed_call_while_routes_destinations_grants_and_limits_change()
    {
        var vcb = await _gateway.Data.TokenAsync("vcb-ekyc");
        var hni = await _gateway.Data.TokenAsync("hni-portal");
        var failures = new ConcurrentBag<string>();
        var calls = 0L;
        using var stop = new CancellationTokenSource();

        async Task CallLoopAsync(string path, string token, string? purpose)
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await _gateway.Data.CallAsync(HttpMethod.Get, path, token, purpose);
                Interlocked.Increment(ref calls);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        var load = new[]
        {
            CallLoopAsync("/population/v1/citizens/001099012345", vcb, "ekyc"),
            CallLoopAsync("/population/v1/citizens/001099012345", vcb, "ekyc"),
            CallLoopAsync("/enterprise/v1/enterprises/0109999001", hni, null),
            CallLoopAsync("/enterprise/v1/enterprises/0109999001", hni, null),
        };

        var changes = 0;
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < ChangeRounds; round++)
        {
            var even = round % 2 == 0;
            // Destinations move between two provider instances (and both), timeouts change: the cluster is rebuilt.
            string[] destinations = (round % 3) switch
            {
                0 => [_gateway.Workspace.ProvidersUrl],
                1 => [_secondProvidersUrl],
                _ => [_gateway.Workspace.ProvidersUrl, _secondProvidersUrl],
            };
            await _gateway.Admin.ChangeAsync(HttpMethod.Put, "/admin/v1/services/population", $$"""
                {"id":"population","provider":"BCA","pathPrefix":"/population/v1","personalData":true,"timeoutMs":{{(even ? 9000 : 10000)}},
                 "destinations":[{{string.Join(',', destinations.Select(d => $"\"{d}\""))}}]}
                """, "*");
            // The callers' own grants change in ways that keep them allowed: purposes widen and narrow, limits come and go.
            await _gateway.Admin.ChangeAsync(HttpMethod.Put, "/admin/v1/grants/vcb-population", even
                ? """{"id":"vcb-population","consumerAgency":"VCB","service":"population","purposes":["ekyc","account-opening"],"rateLimit":{"perSecond":100000,"burst":100000}}"""
                : """{"id":"vcb-population","consumerAgency":"VCB","service":"population","purposes":["ekyc"],"dailyQuota":10000000}""", "*");
            // Routes come and go beside them: a whole new service with its grant, then removed again.
            if (even)
            {
                await _gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/services", $$"""
                    {"id":"churn","provider":"BCA","pathPrefix":"/churn-{{round}}","destinations":["{{_gateway.Workspace.UpstreamUrl}}"]}
                    """);
                await _gateway.Admin.ChangeAsync(HttpMethod.Post, "/admin/v1/grants", """{"id":"churn-grant","consumerAgency":"VCB","service":"churn"}""");
            }
            else
            {
                await _gateway.Admin.ChangeAsync(HttpMethod.Delete, "/admin/v1/grants/churn-grant", ifMatch: "*");
                await _gateway.Admin.ChangeAsync(HttpMethod.Delete, "/admin/v1/services/churn", ifMatch: "*");
            }

            changes += 4;
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);
        output.WriteLine($"{calls} calls during {changes} admin changes in {clock.Elapsed.TotalSeconds:F1} s; {failures.Count} failed");
        Assert.Equal(ChangeRounds * 4, changes);
        Assert.True(calls >= 200, $"only {calls} calls were made");
        Assert.Empty(failures.Take(5));
    }
}
