using System.Globalization;
using StackExchange.Redis;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// Limits shared by every replica through Redis: one atomic Lua script per call (one round trip) takes a token from
/// the grant's bucket, then from the service's, then counts the call against the grant's quotas, or changes nothing
/// if any of them refuses. Time comes from Redis (TIME), so replicas' clocks do not matter. When Redis fails or is
/// slower than <see cref="LimitsOptions.RedisTimeout"/>, the call and every call after it are limited locally (each
/// replica's share of the limits) until <see cref="SharedRedis"/> finds Redis back: never a 5xx because of Redis.
/// </summary>
internal sealed class RedisCallLimiter : ICallLimiter
{
    // KEYS: grant bucket, service bucket, daily count, monthly count.
    // ARGV: grant rate, grant burst, service rate, service burst, daily quota, monthly quota, day ttl s, month ttl s (0: none).
    // Returns: {reason (0 admitted, 1 grant, 2 service, 3 daily quota, 4 monthly quota), retry-after ms, grant tokens left (-1 none), daily left (-1 none)}.
    private const string Script = RedisTokenBucket.Functions + "\n" + """
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
        if gRate > 0 then take(KEYS[1], g, gRate, gBurst) end
        if sRate > 0 then take(KEYS[2], s, sRate, sBurst) end
        if daily > 0 or monthly > 0 then
          redis.call('INCR', KEYS[3])
          redis.call('EXPIRE', KEYS[3], ARGV[7])
          redis.call('INCR', KEYS[4])
          redis.call('EXPIRE', KEYS[4], ARGV[8])
        end
        return {0, 0, g >= 1 and math.floor(g - 1) or -1, daily > 0 and (daily - dUsed - 1) or -1}
        """;

    private readonly SharedRedis _redis;
    private readonly LocalCallLimiter _local;
    private readonly QuotaCounters _quotas;

    public RedisCallLimiter(SharedRedis redis, LocalCallLimiter local, QuotaCounters quotas)
    {
        _redis = redis;
        _local = local;
        _quotas = quotas;
    }

    public async ValueTask<LimitDecision> AcquireAsync(LimitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await _redis.EvaluateAsync(Script, Keys(request), Arguments(request)) is not { } evaluated)
        {
            return await _local.AcquireAsync(request, cancellationToken);
        }

        var decision = Decode(request, (RedisResult[])evaluated!);
        if (decision.Admitted)
        {
            _quotas.Count(request.Grant, request.Now);
        }

        return decision;
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
}
