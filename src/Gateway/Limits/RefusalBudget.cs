using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// How many refusals of one client are worth a record each: a token bucket per client of
/// <see cref="LimitsOptions.RefusalsPerSecond"/> (burst <see cref="LimitsOptions.RefusalBurst"/>), in Redis when
/// configured (every replica spends from one bucket) and locally otherwise or while Redis is down (each replica its
/// share). A refusal that finds the bucket empty is counted only in the hourly aggregates, so a client flooding
/// refusals (4,900 403s a second with a 15 KB purpose) cannot grow the store without bound. If it was refused access
/// (not limited: the limiter's 429s are cheap already, and a client over its rate must keep its rate), its calls are
/// also refused at once, before access is evaluated, with a 429 until the bucket holds a token again.
/// </summary>
internal sealed class RefusalBudget : IDisposable
{
    // KEYS: the client's bucket. ARGV: rate per second, burst. Returns 0 if a token was taken, else ms until one is there.
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
        local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
        local tokens = tonumber(state[1]) or burst
        local ts = tonumber(state[2]) or now
        tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
        if tokens < 1 then
          return math.ceil((1 - tokens) / rate * 1000)
        end
        redis.call('HSET', KEYS[1], 'tokens', tokens - 1, 'ts', now)
        redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 60000)
        return 0
        """;

    private readonly LimitsOptions _options;
    private readonly TimeProvider _clock;
    private readonly SharedRedis? _redis;
    private readonly PartitionedRateLimiter<string> _local;

    // Clients whose budget is spent, until when (TimeProvider timestamps). Entries are client ids from valid tokens,
    // so the table is bounded by the registry; an entry goes when it is found expired.
    private readonly ConcurrentDictionary<string, long> _spentUntil = new(StringComparer.Ordinal);

    public RefusalBudget(IOptions<LimitsOptions> options, TimeProvider clock, SharedRedis? redis = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _clock = clock;
        _redis = redis;
        var share = _options.ReplicaCount;
        _local = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, _options.RefusalBurst / share),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(share / _options.RefusalsPerSecond),
            AutoReplenishment = false,
            QueueLimit = 0,
        }));
    }

    /// <summary>Whether the client's budget is spent now, and for how much longer. One lookup, none while no client's is.</summary>
    public bool IsSpent(string client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_options.Enabled || _spentUntil.IsEmpty || !_spentUntil.TryGetValue(client, out var until))
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

        var wait = await SharedAsync(client) ?? Local(client);
        if (wait <= TimeSpan.Zero)
        {
            return true;
        }

        if (limited)
        {
            return false;
        }

        var until = _clock.GetTimestamp() + (long)(wait.TotalSeconds * _clock.TimestampFrequency);
        _spentUntil.AddOrUpdate(client, until, (_, earlier) => Math.Max(earlier, until));
        LimitsMetrics.RefusalBudgetsSpent.Inc();
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
        using var lease = _local.AttemptAcquire(client);
        if (lease.IsAcquired)
        {
            return TimeSpan.Zero;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(_options.ReplicaCount / _options.RefusalsPerSecond);
    }
}
