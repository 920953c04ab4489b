using System.Net;
using Ndxp.Gateway.Tests.Infrastructure;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>
/// Two replicas sharing Redis count failed client authentications together: a flood spread over the replicas behind a
/// load balancer locks out as one. Without Redis each replica still counts on its own.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SharedLockoutTests(RedisServer redis, PostgresServer postgres) : IAsyncLifetime
{
    private GatewayWorkspace _workspace = null!;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        _workspace = await GatewayWorkspace.CreateAsync();
    }

    public async Task DisposeAsync() => await _workspace.DisposeAsync();

    [Fact]
    public async Task Failures_on_one_replica_lock_the_client_and_the_address_out_on_the_other()
    {
        var database = await postgres.CreateDatabaseAsync();
        string[] settings =
        [
            $"--Limits:Redis={redis.Configuration}",
            $"--Storage:PostgresConnectionString={database}",
            "--Identity:ClientAuthentication:FailuresPerClient=3",
            "--Identity:ClientAuthentication:FailuresPerAddress=4",
        ];
        var first = await _workspace.StartGatewayAsync(settings);
        var second = await _workspace.StartGatewayAsync(settings);

        // The agency's own system signs in through the first replica before the guessing starts.
        using var agencyOnFirst = SourceAddressClient.Create(first.DataPort, "127.0.0.28");
        using var agencyOnSecond = SourceAddressClient.Create(second.DataPort, "127.0.0.28");
        Assert.Equal(HttpStatusCode.OK, (await agencyOnFirst.TokenResponseAsync("vcb-ekyc", TestRegistry.Secret)).StatusCode);

        // The client's count: three failures, one from each of three addresses, through the first replica.
        foreach (var address in new[] { "127.0.0.21", "127.0.0.22", "127.0.0.23" })
        {
            using var attacker = SourceAddressClient.Create(first.DataPort, address);
            await TokenRefusal.AssertInvalidClientAsync(attacker, "vcb-ekyc", "guess");
        }

        using var elsewhereOnSecond = SourceAddressClient.Create(second.DataPort, "127.0.0.24");
        await AssertLockedOutAsync(elsewhereOnSecond, "vcb-ekyc");
        // Where the client signed in lately it is not held, on any replica: the marker is in Redis too.
        Assert.Equal(HttpStatusCode.OK, (await agencyOnSecond.TokenResponseAsync("vcb-ekyc", TestRegistry.Secret)).StatusCode);

        // The address's count: failures through both replicas add up.
        using var toFirst = SourceAddressClient.Create(first.DataPort, "127.0.0.25");
        using var toSecond = SourceAddressClient.Create(second.DataPort, "127.0.0.25");
        await TokenRefusal.AssertInvalidClientAsync(toFirst, $"nobody-{Guid.NewGuid():N}", "guess");
        await TokenRefusal.AssertInvalidClientAsync(toSecond, $"nobody-{Guid.NewGuid():N}", "guess");
        await TokenRefusal.AssertInvalidClientAsync(toFirst, $"nobody-{Guid.NewGuid():N}", "guess");
        await TokenRefusal.AssertInvalidClientAsync(toSecond, $"nobody-{Guid.NewGuid():N}", "guess");
        await AssertLockedOutAsync(toFirst, "viettel-sim");
        await AssertLockedOutAsync(toSecond, "viettel-sim");

        // What is not locked out is served on both.
        Assert.Equal(HttpStatusCode.OK, (await first.Data.TokenResponseAsync("viettel-sim", TestRegistry.Secret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.Data.TokenResponseAsync("viettel-sim", TestRegistry.Secret)).StatusCode);

        // Redis keeps a count that never locked out for its window only, one that did for the back-off's day.
        using var once = SourceAddressClient.Create(first.DataPort, "127.0.0.27");
        await TokenRefusal.AssertInvalidClientAsync(once, $"nobody-{Guid.NewGuid():N}", "guess");
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var redisData = connection.GetDatabase();
        var windowOnly = await redisData.KeyTimeToLiveAsync("ndxp:authfail:address:127.0.0.27");
        var lockedOut = await redisData.KeyTimeToLiveAsync("ndxp:authfail:address:127.0.0.25");
        Assert.InRange(windowOnly!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.InRange(lockedOut!.Value, TimeSpan.FromHours(23), TimeSpan.FromDays(1));
    }

    [Fact]
    public async Task With_redis_unreachable_a_replica_counts_failures_itself()
    {
        var gateway = await _workspace.StartGatewayAsync(
            $"--Limits:Redis=127.0.0.1:{FreePort.Next()}", "--Identity:ClientAuthentication:FailuresPerAddress=3");
        using var attacker = SourceAddressClient.Create(gateway.DataPort, "127.0.0.26");
        for (var i = 0; i < 3; i++)
        {
            await TokenRefusal.AssertInvalidClientAsync(attacker, "vcb-ekyc", "guess");
        }

        await AssertLockedOutAsync(attacker, "vcb-ekyc");
        Assert.True(gateway.Services.GetRequiredService<Ndxp.Gateway.Limits.SharedRedis>().InFallback, "counted in Redis after all");
    }

    private static async Task AssertLockedOutAsync(HttpClient client, string clientId)
    {
        using var response = await client.TokenResponseAsync(clientId, TestRegistry.Secret);
        // The first lock-out, a minute, on Redis's clock.
        var (retryAfter, _) = await TokenRefusal.AssertLockedOutAsync(response);
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(55), TimeSpan.FromSeconds(60));
    }
}
