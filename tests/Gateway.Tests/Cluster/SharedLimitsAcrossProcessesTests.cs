using System.Net;
using Ndxp.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>
/// The shared limits with replicas as separate processes, as on Kubernetes: nothing in one process's memory can
/// stand in for Redis. One process taking every call admits the whole shared rate (a local limiter would admit its
/// third); all three taking calls admit it once, not three times (as limits kept per process would).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SharedLimitsAcrossProcessesTests(RedisServer redis, PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Replicas = 3;
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        _workspace = await GatewayWorkspace.CreateAsync();
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task Three_replica_processes_admit_the_shared_rate_through_one_of_them_and_no_more_through_all_of_them()
    {
        var database = await postgres.CreateDatabaseAsync();
        var replicas = new List<HttpClient>();
        for (var i = 0; i < Replicas; i++)
        {
            // One after the other: the first seeds the registry and creates the signing key the others load.
            var process = await _workspace.StartProcessAsync(
                $"--Identity:Issuer={SharedLimits.Issuer}", $"--Limits:Redis={redis.Configuration}", $"--Limits:ReplicaCount={Replicas}",
                $"--Storage:PostgresConnectionString={database}");
            replicas.Add(process.Data);
        }

        var rate = await SharedLimits.LoadAsync(replicas[..1], await replicas[0].TokenAsync("cl-rate"), "/limited/x", TimeSpan.FromSeconds(4), callersPerReplica: 8);
        SharedLimits.AssertAdmittedOnce(rate, TestRegistry.ClusterRate, HttpStatusCode.TooManyRequests, output, $"1 of {Replicas} processes");

        // Through all three at once, the processes draw from one bucket: together no more than the shared rate.
        var together = await SharedLimits.LoadAsync(replicas, await replicas[0].TokenAsync("cl-outage"), "/limited/x", TimeSpan.FromSeconds(4));
        SharedLimits.AssertAdmittedOnce(together, TestRegistry.ClusterRate, HttpStatusCode.TooManyRequests, output, $"{Replicas} processes together");
    }
}
