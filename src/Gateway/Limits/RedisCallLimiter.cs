using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// Limits shared by every replica through Redis: one atomic Lua script per call (one round trip) takes a token from
/// the grant's bucket, then from the service's, then counts the call against the grant's quotas, or changes nothing
/// if any of them refuses. Time comes from Redis (TIME), so replicas' clocks do not matter. When Redis fails or is
/// slower than <see cref="LimitsOptions.RedisTimeout"/>, the call and every call after it are limited locally (each
/// replica's share of the limits) until a probe finds Redis back: never a 5xx because of Redis. The timeout is the
/// gateway's own deadline on each command: StackExchange.Redis looks for timed-out async commands only on its
/// heartbeat (once a second), so a slow Redis would otherwise hold calls for up to a second.
/// </summary>
internal sealed partial class RedisCallLimiter : ICallLimiter, IAsyncDisposable
{
    // KEYS: grant bucket, service bucket, daily count, monthly count.
    // ARGV: grant rate, grant burst, service rate, service burst, daily quota, monthly quota, day ttl s, month ttl s (0: none).
    // Returns: {reason (0 admitted, 1 grant, 2 service, 3 daily quota, 4 monthly quota), retry-after ms, grant tokens left (-1 none), daily left (-1 none)}.
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
        local function level(key, rate, burst)
          local state = redis.call('HMGET', key, 'tokens', 'ts')
          local tokens = tonumber(state[1]) or burst
          local ts = tonumber(state[2]) or now
          return math.min(burst, tokens + math.max(0, now - ts) * rate)
        end
        local gRate, gBurst = tonumber(ARGV[1]), tonumber(ARGV[2])
        local sRate, sBurst = tonumber(ARGV[3]), tonumber(ARGV[4])
        local daily, monthly = tonumber(ARGV[5]), tonumber(ARGV[6])
        local g = -1
        if gRate > 0 then
          g = level(KEYS[1], gRate, gBurst)
          if g < 1 then return {1, math.ceil((1 - g) / gRate * 1000), 0, -1} end
        end
        local s = -1
        if sRate > 0 then
          s = level(KEYS[2], sRate, sBurst)
          if s < 1 then return {2, math.ceil((1 - s) / sRate * 1000), math.floor(g), -1} end
        end
        local dUsed = tonumber(redis.call('GET', KEYS[3]) or '0')
        local mUsed = tonumber(redis.call('GET', KEYS[4]) or '0')
        if monthly > 0 and mUsed >= monthly then
          return {4, 0, math.floor(g), daily > 0 and math.max(0, daily - dUsed) or -1}
        end
        if daily > 0 and dUsed >= daily then
          return {3, 0, math.floor(g), math.max(0, daily - dUsed)}
        end
        if gRate > 0 then
          redis.call('HSET', KEYS[1], 'tokens', g - 1, 'ts', now)
          redis.call('PEXPIRE', KEYS[1], math.ceil(gBurst / gRate * 1000) + 60000)
        end
        if sRate > 0 then
          redis.call('HSET', KEYS[2], 'tokens', s - 1, 'ts', now)
          redis.call('PEXPIRE', KEYS[2], math.ceil(sBurst / sRate * 1000) + 60000)
        end
        if daily > 0 or monthly > 0 then
          redis.call('INCR', KEYS[3])
          redis.call('EXPIRE', KEYS[3], ARGV[7])
          redis.call('INCR', KEYS[4])
          redis.call('EXPIRE', KEYS[4], ARGV[8])
        end
        return {0, 0, g >= 1 and math.floor(g - 1) or -1, daily > 0 and (daily - dUsed - 1) or -1}
        """;

    private readonly ConnectionMultiplexer _redis;
    private readonly LocalCallLimiter _local;
    private readonly QuotaCounters _quotas;
    private readonly LimitsOptions _options;
    private readonly ILogger<RedisCallLimiter> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private int _fallback;
    private int _disposed;

    public RedisCallLimiter(LocalCallLimiter local, QuotaCounters quotas, IOptions<LimitsOptions> options, ILogger<RedisCallLimiter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _local = local;
        _quotas = quotas;
        _options = options.Value;
        _logger = logger;
        var configuration = ConfigurationOptions.Parse(_options.Redis!);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)Math.Max(_options.RedisTimeout.TotalMilliseconds * 4, 1000);
        configuration.AsyncTimeout = (int)_options.RedisTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)_options.RedisTimeout.TotalMilliseconds;
        configuration.ConnectRetry = 1;
        _redis = ConnectionMultiplexer.Connect(configuration);
        if (!_redis.IsConnected)
        {
            // The configuration string is not logged: it may carry a password.
            EnterFallback(new InvalidOperationException("Redis unreachable at start"));
        }
    }

    /// <summary>True while calls are limited locally because Redis failed.</summary>
    public bool InFallback => Volatile.Read(ref _fallback) == 1;

    public async ValueTask<LimitDecision> AcquireAsync(LimitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (InFallback)
        {
            return await _local.AcquireAsync(request, cancellationToken);
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            var evaluation = _redis.GetDatabase().ScriptEvaluateAsync(Script, Keys(request), Arguments(request));
            var result = (RedisResult[])(await evaluation.WaitAsync(_options.RedisTimeout, CancellationToken.None))!;
            LimitsMetrics.RedisRoundTrip.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            var decision = Decode(request, result);
            if (decision.Admitted)
            {
                _quotas.Count(request.Grant, request.Now);
            }

            return decision;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            EnterFallback(ex);
            return await _local.AcquireAsync(request, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered under two service types, so the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _redis.DisposeAsync();
        _stopping.Dispose();
    }

    private static RedisKey[] Keys(LimitRequest request)
    {
        var now = request.Now.UtcDateTime;
        return
        [
            $"ndxp:rl:grant:{request.Grant.Id}",
            $"ndxp:rl:service:{request.Service.Id}",
            string.Create(CultureInfo.InvariantCulture, $"ndxp:quota:{request.Grant.Id}:{now:yyyyMMdd}"),
            string.Create(CultureInfo.InvariantCulture, $"ndxp:quota:{request.Grant.Id}:{now:yyyyMM}"),
        ];
    }

    private static RedisValue[] Arguments(LimitRequest request)
    {
        var now = request.Now;
        var midnight = QuotaCounters.NextDay(now);
        var nextMonth = QuotaCounters.NextMonth(now);
        var serviceRate = request.Service.Capacity?.Rate;
        return
        [
            request.GrantRate?.PerSecond ?? 0,
            request.GrantRate?.Burst ?? 0,
            serviceRate?.PerSecond ?? 0,
            serviceRate?.Burst ?? 0,
            request.Grant.DailyQuota ?? 0,
            request.Grant.MonthlyQuota ?? 0,
            (long)(midnight - now).TotalSeconds + 3600,
            (long)(nextMonth - now).TotalSeconds + 3600,
        ];
    }

    private static LimitDecision Decode(LimitRequest request, RedisResult[] result)
    {
        var code = (int)result[0];
        var reason = code switch
        {
            0 => LimitReason.None,
            1 => LimitReason.GrantRate,
            2 => LimitReason.ServiceRate,
            _ => LimitReason.Quota,
        };
        var grantLeft = (long)result[2];
        var dailyLeft = (long)result[3];
        var retryAfter = code switch
        {
            3 => QuotaCounters.NextDay(request.Now) - request.Now,
            4 => QuotaCounters.NextMonth(request.Now) - request.Now,
            _ => TimeSpan.FromMilliseconds((long)result[1]),
        };
        return new LimitDecision(reason, retryAfter, grantLeft < 0 ? null : grantLeft, dailyLeft < 0 ? null : dailyLeft);
    }

    private void EnterFallback(Exception cause)
    {
        if (Interlocked.Exchange(ref _fallback, 1) == 1)
        {
            return;
        }

        LimitsMetrics.RedisFallback.Set(1);
        LimitsMetrics.RedisFallbacks.Inc();
        Log.FellBack(_logger, _options.ReplicaCount, cause);
        // The probe outlives the call that failed: it must not carry that call's trace and log scope along.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(ProbeUntilBackAsync);
        }
    }

    private async Task ProbeUntilBackAsync()
    {
        using var timer = new PeriodicTimer(_options.RedisProbeInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    await _redis.GetDatabase().PingAsync().WaitAsync(_options.RedisTimeout, _stopping.Token);
                    Volatile.Write(ref _fallback, 0);
                    LimitsMetrics.RedisFallback.Set(0);
                    Log.Recovered(_logger);
                    return;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // Still down: keep limiting locally.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Error,
            Message = "Redis failed: limiting calls locally, each replica enforcing 1/{ReplicaCount} of the shared limits, until it is back")]
        public static partial void FellBack(ILogger logger, int replicaCount, Exception exception);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Redis is back: limits are shared by all replicas again")]
        public static partial void Recovered(ILogger logger);
    }
}
