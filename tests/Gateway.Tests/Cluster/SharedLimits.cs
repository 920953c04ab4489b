using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Ndxp.Gateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>What the shared-limit tests do to replicas and read from Redis.</summary>
internal static class SharedLimits
{
    /// <summary>Callers per replica, round and round for the duration: more than enough to exceed the limits under test.</summary>
    public static async Task<(List<HttpStatusCode> Statuses, TimeSpan Elapsed)> LoadAsync(
        IReadOnlyList<HttpClient> through, string clientId, string path, TimeSpan duration, int callersPerReplica = 4)
    {
        var tokens = await Task.WhenAll(through.Select(r => r.TokenAsync(clientId)));
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var clock = Stopwatch.StartNew();
        var callers = through.SelectMany((replica, i) => Enumerable.Range(0, callersPerReplica).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                using var response = await replica.CallAsync(HttpMethod.Get, path, tokens[i]);
                statuses.Add(response.StatusCode);
            }
        })));
        await Task.WhenAll(callers);
        return ([.. statuses], clock.Elapsed);
    }

    /// <summary>What a token bucket admits over a period from full: its burst plus its rate for the time.</summary>
    public static double Admissible(int rate, TimeSpan elapsed) => rate + (rate * elapsed.TotalSeconds);

    /// <summary>The tokens left in a bucket the Redis limiter keeps (null: Redis holds no such bucket).</summary>
    public static async Task<double?> TokensInRedisAsync(RedisServer redis, string bucket)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var tokens = await connection.GetDatabase().HashGetAsync(bucket, "tokens");
        return tokens.IsNull ? null : double.Parse(tokens.ToString(), CultureInfo.InvariantCulture);
    }
}
