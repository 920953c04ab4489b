using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// How many refusals of one client are worth a record each: a token bucket per client of
/// <see cref="LimitsOptions.RefusalsPerSecond"/> (burst <see cref="LimitsOptions.RefusalBurst"/>). A refusal that finds
/// the bucket empty is counted only in the hourly aggregates, so a client flooding refusals (4,900 403s a second with a
/// 15 KB purpose) cannot grow the store without bound. If it was refused access, its calls are also refused at once,
/// before access is evaluated, with a 429 until the bucket holds a token again. Refusals of access spend from one
/// bucket in Redis when configured (every replica from the same); the limiter's own 429s, which must not stop a client
/// that keeps its rate and already cost the limiter its round trip, spend from the replica's share locally, as do all
/// refusals without Redis or while it is down.
/// </summary>
internal sealed class RefusalBudget : IDisposable
{
    // KEYS: the client's bucket. ARGV: rate per second, burst. Returns 0 if a token was taken, else ms until one is there.
    private const string Script = RedisTokenBucket.Functions + "\n" + """
        local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
        local tokens = level(KEYS[1], rate, burst)
        if tokens < 1 then return math.ceil((1 - tokens) / rate * 1000) end
        take(KEYS[1], tokens, rate, burst)
        return 0
        """;

    private readonly LimitsOptions _options;
    private readonly LiveReplicas _replicas;
    private readonly TimeProvider _clock;
    private readonly SharedRedis? _redis;
    private readonly PartitionedRateLimiter<LocalCallLimiter.BucketKey> _local =
        PartitionedRateLimiter.Create<LocalCallLimiter.BucketKey, LocalCallLimiter.BucketKey>(key => RateLimitPartition.GetTokenBucketLimiter(key, LocalCallLimiter.Bucket));

    // Clients whose budget is spent, until when (TimeProvider timestamps). Entries are client ids from valid tokens,
    // so the table is bounded by the registry; an entry goes when it is found expired. Read without a lock on every
    // call (TryGetValue; IsEmpty would take every lock of the table when it is empty, which is nearly always).
    private readonly ConcurrentDictionary<string, long> _spentUntil = new(StringComparer.Ordinal);

    public RefusalBudget(IOptions<LimitsOptions> options, TimeProvider clock, LiveReplicas replicas, SharedRedis? redis = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _clock = clock;
        _replicas = replicas;
        _redis = redis;
    }

    /// <summary>Whether the client's budget is spent now, and for how much longer.</summary>
    public bool IsSpent(string client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_options.Enabled || !_spentUntil.TryGetValue(client, out var until))
        {
            return false;
        }

        var now = _clock.GetTimestamp();
        if (now >= until)
        {
            _spentUntil.TryRemove(KeyValuePair.Create(client, until));
            return false;
        }

        retryAfter = _clock.GetElapsedTime(now, until);
        return true;
    }

    /// <summary>
    /// Spends one refusal of the client: true if it was within the budget (the refusal is recorded on its own). Past
    /// the budget, a refusal of access (<paramref name="limited"/> false) also stops the client's calls for a while.
    /// </summary>
    public async ValueTask<bool> SpendAsync(string client, bool limited)
    {
        if (!_options.Enabled)
        {
            return true;
        }

        var wait = (limited ? null : await SharedAsync(client)) ?? Local(client);
        if (wait <= TimeSpan.Zero)
        {
            return true;
        }

        if (!limited)
        {
            var until = _clock.GetTimestamp() + (long)(wait.TotalSeconds * _clock.TimestampFrequency);
            _spentUntil.AddOrUpdate(client, until, (_, earlier) => Math.Max(earlier, until));
            LimitsMetrics.RefusalBudgetsSpent.Inc();
        }

        return false;
    }

    public void Dispose() => _local.Dispose();

    private async ValueTask<TimeSpan?> SharedAsync(string client)
    {
        if (_redis is null
            || await _redis.EvaluateAsync(Script, [(RedisKey)$"ndxp:refusals:{client}"], [_options.RefusalsPerSecond, _options.RefusalBurst]) is not { } waitMs)
        {
            return null;
        }

        return TimeSpan.FromMilliseconds((long)waitMs);
    }

    private TimeSpan Local(string client)
    {
        var key = new LocalCallLimiter.BucketKey(client, _options.RefusalsPerSecond, _options.RefusalBurst, _replicas.Count);
        using var lease = _local.AttemptAcquire(key);
        return lease.IsAcquired ? TimeSpan.Zero : LocalCallLimiter.RetryAfter(lease, key);
    }
}
