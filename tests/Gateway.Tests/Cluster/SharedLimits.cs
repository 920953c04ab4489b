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
    public static async Task<Load> LoadAsync(
        IReadOnlyList<HttpClient> through, string token, string path, TimeSpan duration, int callersPerReplica = 4)
    {
        var calls = new ConcurrentBag<(HttpStatusCode Status, TimeSpan Started, TimeSpan Finished)>();
        var clock = Stopwatch.StartNew();
        var callers = through.SelectMany(replica => Enumerable.Range(0, callersPerReplica).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var started = clock.Elapsed;
                using var response = await replica.CallAsync(HttpMethod.Get, path, token);
                calls.Add((response.StatusCode, started, clock.Elapsed));
            }
        })));
        await Task.WhenAll(callers);
        return new Load([.. calls.Select(c => c.Status)], calls.Max(c => c.Started) - calls.Min(c => c.Finished), clock.Elapsed);
    }

    /// <summary>
    /// The calls admitted are within 10% of what one shared bucket of <paramref name="rate"/> (burst the same) admits
    /// over the load's time, and every other call was refused with <paramref name="refusal"/>.
    /// </summary>
    public static void AssertAdmittedOnce(Load load, int rate, HttpStatusCode refusal, ITestOutputHelper output, string through)
    {
        ArgumentNullException.ThrowIfNull(load);
        var admitted = load.Statuses.Count(s => s == HttpStatusCode.OK);
        var (least, most) = (Admissible(rate, load.Busy), Admissible(rate, load.Elapsed));
        var statuses = string.Join(", ", load.Statuses.GroupBy(s => s).Select(g => $"{(int)g.Key}: {g.Count()}"));
        output.WriteLine($"{through}: {admitted} admitted of {load.Statuses.Count} calls ({statuses}) in {load.Busy.TotalSeconds:0.00}-{load.Elapsed.TotalSeconds:0.00} s, {least:0}-{most:0} expected");
        Assert.All(load.Statuses, s => Assert.True(s == HttpStatusCode.OK || s == refusal, $"status {s}"));
        Assert.InRange(admitted, least * 0.9, most * 1.1);
    }

    /// <summary>
    /// The statuses of a load and its time: <see cref="Busy"/> from the first answer to the last call sent, when the
    /// bucket surely existed and was being asked (the first calls may wait for a thread or a cold replica: the bucket
    /// does not fill while nobody has asked yet), and <see cref="Elapsed"/> for the whole load.
    /// </summary>
    public sealed record Load(List<HttpStatusCode> Statuses, TimeSpan Busy, TimeSpan Elapsed);

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
