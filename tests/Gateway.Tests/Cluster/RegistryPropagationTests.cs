using System.Net;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;
using Npgsql;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>Two gateways sharing a PostgreSQL registry follow a change committed to it, without restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RegistryPropagationTests(PostgresServer postgres) : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync() => _workspace = await GatewayWorkspace.CreateAsync();

    [Fact]
    public async Task Without_notifications_polling_brings_a_change_to_every_replica_within_two_seconds_and_an_invalid_one_is_refused()
    {
        var database = await postgres.CreateDatabaseAsync();
        var gateways = new List<TestGateway>();
        for (var i = 0; i < 2; i++)
        {
            // Replicas of one cluster share an issuer (and signing keys: the same data directory here).
            gateways.Add(await _workspace.StartGatewayAsync($"--Storage:PostgresConnectionString={database}", "--Identity:Issuer=https://gateway.test",
                // Polling alone (the safety net when notifications are lost or unavailable) meets the 2 s bound.
                "--Registry:ListenForChanges=false"));
        }

        var replicas = gateways.Select(g => g.Data).ToList();

        var token = await replicas[0].TokenAsync("viettel-sim");
        foreach (var replica in replicas)
        {
            using var before = await replica.CallAsync(HttpMethod.Get, "/enterprise/v1/enterprises/0109999001", token);
            Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        }

        // An operator's change committed to the shared store (what the admin API will do): VIETTEL gains a grant.
        await using var dataSource = NpgsqlDataSource.Create(database);
        var store = new PostgresRegistryStore(dataSource, TimeProvider.System);
        var document = (await store.ReadAsync(CancellationToken.None)).Document;
        await store.ApplyAsync(document with
        {
            Grants = [.. document.Grants, new Grant { Id = "viettel-enterprise", ConsumerAgency = "VIETTEL", Service = "enterprise" }],
        });

        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var replica in replicas)
        {
            var status = await Poll.UntilAsync(() => replica.StatusOfAsync("/enterprise/v1/enterprises/0109999001", token), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(5));
            Assert.Equal(HttpStatusCode.OK, status);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"propagation took {clock.Elapsed}");

        // An invalid change (a grant to an unknown agency) is refused: the running registry stays as it was.
        var current = (await store.ReadAsync(CancellationToken.None)).Document;
        await store.WriteUncheckedAsync(current with
        {
            Grants = [.. current.Grants.Where(g => g.Id != "viettel-enterprise"), new Grant { Id = "broken", ConsumerAgency = "NOPE", Service = "enterprise" }],
        });
        var broken = await store.GetRevisionAsync(CancellationToken.None);
        foreach (var gateway in gateways)
        {
            var reloader = gateway.Services.GetRequiredService<RegistryReloader>();
            await Poll.UntilAsync(() => reloader.RefusedRevision == broken, $"replica refused revision {broken}");
        }
        foreach (var replica in replicas)
        {
            using var still = await replica.CallAsync(HttpMethod.Get, "/enterprise/v1/enterprises/0109999001", token);
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();
}
