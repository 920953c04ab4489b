using System.Net;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Tests.Infrastructure;
using Npgsql;

namespace Ndxp.Gateway.Tests.Metering;

/// <summary>
/// "N answered = N stored" for gateway processes on PostgreSQL, as a cluster runs: across SIGTERM under load, and
/// across SIGTERM while the store is down (the rest goes to the spool file, which the next start replays exactly once).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MeteringShutdownPostgresTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Citizen = "/population/v1/citizens/001099012345";
    private readonly DateTimeOffset _since = DateTimeOffset.UtcNow.AddMinutes(-1);
    private GatewayWorkspace _workspace = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _workspace = await GatewayWorkspace.CreateAsync();
        _database = await postgres.CreateDatabaseAsync();
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task Sigterm_during_load_stores_every_answered_call_in_postgresql_once()
    {
        var gateway = await _workspace.StartProcessAsync($"--Storage:PostgresConnectionString={_database}");
        var answered = await CallLoad.ThroughSigtermAsync(gateway, Citizen, await gateway.Data.TokenAsync("mtr-app"), "audit");

        await AssertStoredExactlyAsync(answered);
    }

    [Fact]
    public async Task Sigterm_while_postgresql_is_down_spools_and_the_next_start_stores_every_call_exactly_once()
    {
        string[] settings = [$"--Storage:PostgresConnectionString={_database}", "--Metering:FlushInterval=00:00:00.200", "--Metering:WriteTimeout=00:00:01"];
        var first = await _workspace.StartProcessAsync(settings);
        var token = await first.Data.TokenAsync("mtr-app");
        var answered = new List<string>();
        async Task CallAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var response = await first.Data.CallAsync(HttpMethod.Get, Citizen, token, "audit");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                answered.Add(response.Headers.GetValues("X-Transaction-Id").Single());
            }
        }

        var spool = Path.Combine(_workspace.DataDirectory, "metering-spool.jsonl");
        await CallAsync(30);
        await postgres.StopAsync();
        try
        {
            await CallAsync(60);
            await first.TerminateAsync();
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            // What the store could not take waits in the spool file: at least the calls made while it was down.
            Assert.True(File.Exists(spool), "nothing was spooled: " + first.Output);
            Assert.InRange(File.ReadLines(spool).Count(line => line.Length > 0), 60, answered.Count);
        }
        finally
        {
            await postgres.StartAsync();
        }

        var second = await _workspace.StartProcessAsync(settings);
        await Poll.UntilAsync(() => !File.Exists(spool), "the next start replayed the spool");
        await AssertStoredExactlyAsync(answered);
        // Logged once the replay is done, through the batched console writer: it may follow the spool's deletion.
        await Poll.UntilAsync(() => second.Output.Contains("Metering spool replayed", StringComparison.Ordinal), "the replay was logged");
    }

    private async Task AssertStoredExactlyAsync(IReadOnlyCollection<string> answered)
    {
        await using var dataSource = NpgsqlDataSource.Create(_database);
        await StoredUsage.AssertExactlyAsync(new PostgresUsageStore(dataSource, "test-chain", TimeProvider.System), "MTR", _since, answered);
    }
}
