using System.Diagnostics;
using System.Net;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Registry;
using Ndxp.Gateway.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>
/// Redis answering later than <c>Limits:RedisTimeout</c> (through a delaying proxy): calls fall back to local limits
/// within the timeout instead of waiting for Redis, never fail, and go back to the shared limits once Redis is quick.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SlowRedisTests(RedisServer redis, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromMilliseconds(100);
    private const string Bucket = "ndxp:rl:grant:cl-outage";
    private GatewayWorkspace _workspace = null!;
    private DelayingTcpProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        _proxy = DelayingTcpProxy.Start(redis.Port);
        _workspace = await GatewayWorkspace.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await _workspace.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task Calls_fall_back_to_local_limits_within_the_timeout_with_no_5xx_and_return_to_redis_when_it_is_quick_again()
    {
        var gateway = await _workspace.StartGatewayAsync(
            $"--Limits:Redis=127.0.0.1:{_proxy.Port}",
            $"--Limits:RedisTimeout={RedisTimeout:c}",
            "--Limits:RedisProbeInterval=00:00:00.100");
        var limiter = gateway.Services.GetRequiredService<RedisCallLimiter>();
        var redisConnection = gateway.Services.GetRequiredService<SharedRedis>();
        var token = await gateway.Data.TokenAsync("cl-outage");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        Assert.Equal(HttpStatusCode.OK, await gateway.Data.StatusOfAsync("/limited/x", token));
        Assert.True(await database.KeyExistsAsync(Bucket), "limits were not in Redis to begin with");

        // Several slow spells. In each, the limiter's first decision waits for Redis no longer than the timeout (plus a
        // busy machine's margin), where StackExchange.Redis on its own notices a late answer only on its next
        // heartbeat, some time in the next second. Timed in process, so that only the limiter's wait is measured.
        var snapshot = gateway.Services.GetRequiredService<RegistrySnapshotProvider>().Current;
        var grant = snapshot.Grants["cl-outage"];
        var limited = new LimitRequest(grant, grant.RateLimit, snapshot.Services[grant.Service].Definition, DateTimeOffset.UtcNow);
        for (var spell = 0; spell < 5; spell++)
        {
            _proxy.AnswerDelay = TimeSpan.FromSeconds(1.5);
            var clock = Stopwatch.StartNew();
            var first = await limiter.AcquireAsync(limited, CancellationToken.None);
            var waited = clock.Elapsed;
            output.WriteLine($"spell {spell}: first decision {first.Reason} after {waited.TotalMilliseconds:F0} ms");
            Assert.True(waited < RedisTimeout + TimeSpan.FromMilliseconds(200), $"the decision waited {waited.TotalMilliseconds:F0} ms for a slow Redis");
            Assert.True(redisConnection.InFallback, "not limiting locally while Redis is slow");
            for (var i = 0; i < 20; i++)
            {
                var status = await gateway.Data.StatusOfAsync("/limited/x", token);
                Assert.True(status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"status {status} while Redis is slow");
            }

            _proxy.AnswerDelay = TimeSpan.Zero;
            await Poll.UntilAsync(() => !redisConnection.InFallback, "back to Redis once it answers in time");
            await database.KeyDeleteAsync(Bucket);
            Assert.Equal(HttpStatusCode.OK, await gateway.Data.StatusOfAsync("/limited/x", token));
            Assert.True(await database.KeyExistsAsync(Bucket), "the call after recovery did not use Redis");
        }
    }
}
