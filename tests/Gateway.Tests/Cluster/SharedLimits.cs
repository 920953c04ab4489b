using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Ndxp.Gateway.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Ndxp.Gateway.Tests.Cluster;

/// <summary>What the shared-limit tests do to replicas and read from Redis.</summary>
internal static class SharedLimits
{
    /// <summary>The issuer every replica of a test cluster shares, so that one token is valid on all of them.</summary>
    public const string Issuer = "https://gateway.test";

    /// <summary>Callers per replica, round and round for the duration: more than enough to exceed the limits under test.</summary>
    public static async Task<(List<HttpStatusCode> Statuses, TimeSpan Elapsed)> LoadAsync(
        IReadOnlyList<HttpClient> through, string token, string path, TimeSpan duration, int callersPerReplica = 4)
    {
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var clock = Stopwatch.StartNew();
        var callers = through.SelectMany(replica => Enumerable.Range(0, callersPerReplica).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                using var response = await replica.CallAsync(HttpMethod.Get, path, token);
                statuses.Add(response.StatusCode);
            }
        })));
        await Task.WhenAll(callers);
        return ([.. statuses], clock.Elapsed);
    }

    /// <summary>
    /// The calls admitted are within 10% of what one shared bucket of <paramref name="rate"/> (burst the same) admits
    /// over the load's time, and every other call was refused with <paramref name="refusal"/>.
    /// </summary>
    public static void AssertAdmittedOnce(List<HttpStatusCode> statuses, TimeSpan elapsed, int rate, HttpStatusCode refusal, ITestOutputHelper output, string through)
    {
        var admitted = statuses.Count(s => s == HttpStatusCode.OK);
        var expected = Admissible(rate, elapsed);
        output.WriteLine($"{through}: {admitted} admitted of {statuses.Count} calls in {elapsed.TotalSeconds:0.00} s, {expected:0} expected");
        Assert.InRange(admitted, expected * 0.9, expected * 1.1);
        Assert.All(statuses, s => Assert.True(s == HttpStatusCode.OK || s == refusal, $"status {s}"));
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
