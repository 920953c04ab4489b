namespace Ndxp.Gateway.Limits;

/// <summary>
/// The token bucket every Lua script of the limits keeps in Redis, on Redis's clock (TIME), so that replicas' clocks
/// do not matter: a hash of the tokens left and when, refilled at the rate up to the burst when read, expiring once a
/// full refill and a minute have passed unused.
/// </summary>
internal static class RedisTokenBucket
{
    /// <summary>Defines <c>now</c>, <c>level(key, rate, burst)</c> (the tokens there now) and <c>take(key, level, rate, burst)</c>.</summary>
    public const string Functions = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
        local function level(key, rate, burst)
          local state = redis.call('HMGET', key, 'tokens', 'ts')
          local tokens = tonumber(state[1]) or burst
          local ts = tonumber(state[2]) or now
          return math.min(burst, tokens + math.max(0, now - ts) * rate)
        end
        local function take(key, tokens, rate, burst)
          redis.call('HSET', key, 'tokens', tokens - 1, 'ts', now)
          redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 60000)
        end
        """;
}
