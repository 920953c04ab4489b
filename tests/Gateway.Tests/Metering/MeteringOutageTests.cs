using System.Net;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Metering;

/// <summary>A real PostgreSQL outage in the middle of a run: every call is metered once, none lost, none doubled.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MeteringOutageTests(PostgresServer server) : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task Calls_during_a_store_outage_are_all_metered_exactly_once_after_it_returns()
    {
        var gateway = await _workspace.StartGatewayAsync(
            $"--Storage:PostgresConnectionString={await server.CreateDatabaseAsync()}",
            "--Metering:FlushInterval=00:00:00.100",
            "--Metering:MaxBufferedRecords=50");
        var (app, client) = (gateway.App, gateway.Data);
        var token = await client.TokenAsync("mtr-app");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        var sent = 0;
        async Task SendAsync(int count)
        {
            for (var i = 0; i < count; i++, sent++)
            {
                using var response = await client.CallAsync(HttpMethod.Get, "/population/v1/citizens/001099012345", token, "audit");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        await SendAsync(40);
        await server.StopAsync();
        try
        {
            // More than MaxBufferedRecords while the store is down: part of them goes through the spool file.
            await SendAsync(120);
            var writer = app.Services.GetRequiredService<UsageWriter>();
            Assert.True(writer.Backlog > 50, $"backlog {writer.Backlog}");
        }
        finally
        {
            await server.StartAsync();
        }

        await SendAsync(40);

        var usage = app.Services.GetRequiredService<IUsageStore>();
        var records = await gateway.StoredRecordsAsync("MTR", since, records => records.Count >= sent);
        Assert.Equal(sent, records.Count);
        Assert.Equal(sent, records.Select(r => r.TransactionId).Distinct().Count());
        var hourly = await usage.QueryAsync(new UsageFilter(HourlyUsage.HourOf(since), HourlyUsage.HourOf(DateTimeOffset.UtcNow).AddHours(1)) { Agency = "MTR" }, CancellationToken.None);
        Assert.Equal(sent, hourly.Where(h => h.Key.Outcome == Outcome.Ok).Sum(h => h.Count));
        Assert.Equal(0, app.Services.GetRequiredService<UsageWriter>().Backlog);

        // The records that went through memory and the spool were sealed as they reached the store: one unbroken chain.
        var chain = await CallChainVerifier.VerifyAsync(app.Services.GetRequiredService<ICallChainStore>(), CancellationToken.None);
        Assert.True(chain.Valid, chain.FirstProblem);
        Assert.Equal(sent, Assert.Single(chain.Chains).VerifiedRecords);
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();
}
