using System.Diagnostics;
using System.Net;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Metering;

/// <summary>What a real gateway process leaves in its embedded store when stopped under load.</summary>
public sealed class MeteringShutdownTests : IAsyncLifetime
{
    private const string Citizen = "/population/v1/citizens/001099012345";
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task Sigterm_during_load_meters_every_call_that_got_an_answer()
    {
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        var gateway = await _workspace.StartProcessAsync();
        var answered = await CallLoad.ThroughSigtermAsync(gateway, Citizen, await gateway.Data.TokenAsync("mtr-app"), "audit");

        await StoredUsage.AssertExactlyAsync(Store(), "MTR", since, answered);
    }

    [Fact]
    public async Task Sigkill_loses_at_most_the_calls_of_the_last_flush_interval()
    {
        var flushInterval = TimeSpan.FromSeconds(1);
        var gateway = await _workspace.StartProcessAsync($"--Metering:FlushInterval={flushInterval:c}");
        var client = gateway.Data;
        var token = await client.TokenAsync("mtr-app");
        var answered = new List<(string TransactionId, TimeSpan At)>();
        var clock = Stopwatch.StartNew();

        while (clock.Elapsed < TimeSpan.FromSeconds(3.5))
        {
            using var response = await client.CallAsync(HttpMethod.Get, Citizen, token, "audit");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answered.Add((response.Headers.GetValues("X-Transaction-Id").Single(), clock.Elapsed));
        }

        var killedAt = clock.Elapsed;
        gateway.Kill();
        await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10));

        var stored = (await ReadStoredAsync()).Select(r => r.TransactionId).ToHashSet(StringComparer.Ordinal);
        // The documented bound: calls answered more than one flush interval (plus the time one write takes) before
        // the kill are in the store. Only the tail may be missing.
        var bound = killedAt - flushInterval - TimeSpan.FromSeconds(0.5);
        var mustBeStored = answered.Where(a => a.At < bound).ToList();
        Assert.NotEmpty(mustBeStored);
        Assert.All(mustBeStored, a => Assert.Contains(a.TransactionId, stored));
        Assert.Subset(answered.Select(a => a.TransactionId).ToHashSet(StringComparer.Ordinal), stored);
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    private SqliteUsageStore Store() => new(Path.Combine(_workspace.DataDirectory, "gateway.db"), TimeSpan.FromSeconds(5), "test-reader", TimeProvider.System);

    private async Task<IReadOnlyList<UsageRecord>> ReadStoredAsync()
    {
        return await Store().ReadRecordsAsync("MTR", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
    }
}
