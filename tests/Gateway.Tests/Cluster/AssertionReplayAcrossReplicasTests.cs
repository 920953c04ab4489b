using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>
/// Two gateways sharing one Redis and one PostgreSQL, as replicas behind a load balancer: a client assertion accepted
/// by one is a replay at the other, because its jti is remembered in Redis, not in the replica that took it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AssertionReplayAcrossReplicasTests(RedisServer redis, PostgresServer postgres) : IAsyncLifetime
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly List<TestGateway> _replicas = [];
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        _workspace = await GatewayWorkspace.CreateAsync();
        var database = await postgres.CreateDatabaseAsync();
        var registry = _workspace.Registry;
        var key = JsonSerializer.Deserialize<ClientKey>(ClientAssertions.Jwk(_key, "cl-key"), RegistryJson.Options)!;
        registry = registry with { Clients = [.. registry.Clients, new Client { Id = "cl-signer", Agency = "CL", PublicKeys = [key] }] };
        for (var i = 0; i < 2; i++)
        {
            // One after the other: the first seeds the registry and creates the signing key the second loads.
            _replicas.Add(await _workspace.StartGatewayAsync(
                registry,
                $"--Identity:Issuer={SharedLimits.Issuer}",
                $"--Limits:Redis={redis.Configuration}",
                $"--Storage:PostgresConnectionString={database}"));
        }
    }

    public async Task DisposeAsync()
    {
        await _workspace.DisposeAsync();
        _key.Dispose();
    }

    [Fact]
    public async Task An_assertion_accepted_by_one_replica_is_refused_as_a_replay_by_the_other()
    {
        var assertion = ClientAssertions.Sign(_key, "cl-key", "cl-signer", SharedLimits.Issuer + "/connect/token");
        await _replicas[0].Data.AssertionTokenAsync(assertion);
        var before = await ReplaysAsync();

        using var replay = await _replicas[1].Data.AssertionTokenResponseAsync(assertion);

        await TokenRefusal.AssertInvalidClientAsync(replay);
        Assert.True(await ReplaysAsync() >= before + 1);
        // Remembered in Redis until the assertion expires (a minute) plus the clock skew, and not longer.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var ttl = await connection.GetDatabase().KeyTimeToLiveAsync($"ndxp:jti:cl-signer:{new JsonWebToken(assertion).Id}");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(91));
    }

    private Task<double> ReplaysAsync() => ClientAssertions.FailuresAsync(_replicas[1].Admin, "assertion_replayed");
}
