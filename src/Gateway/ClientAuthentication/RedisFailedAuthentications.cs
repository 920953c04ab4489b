using Microsoft.Extensions.Options;
using Ndxp.Gateway.Limits;
using StackExchange.Redis;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>
/// Failed authentications counted in Redis, so that every replica sees the same counts and lock-outs: a flood spread
/// over the replicas behind a load balancer is held as one. Time comes from Redis (TIME). While Redis is down or
/// slow (<see cref="SharedRedis"/>), each replica counts locally.
/// </summary>
internal sealed class RedisFailedAuthentications(
    SharedRedis redis, LocalFailedAuthentications local, IOptions<ClientAuthenticationOptions> options, TimeProvider time)
    : IFailedAuthentications
{
    // Each count is a hash: failures n in the window from start (ms), strikes (lock-outs in a row), locked until (ms).
    private const string Now = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        """;

    // KEYS: a count, then (for a client) its known-address marker, which lifts the lock-out. ARGV: the scope's code
    // (1 client, 2 address). Returns {scope (0 none), retry-after ms, strike}.
    private const string CheckScript = Now + """
        if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 1 then return {0, 0, 0} end
        local s = redis.call('HMGET', KEYS[1], 'until', 'strikes')
        local left = (tonumber(s[1]) or 0) - now
        if left > 0 then return {tonumber(ARGV[1]), left, tonumber(s[2]) or 1} end
        return {0, 0, 0}
        """;

    // KEYS: address count, client count. ARGV: has client, client threshold, address threshold, window ms,
    // first lock-out ms, max lock-out ms, memory ms.
    // Returns {scope of a lock-out started now (0 none, 1 client, 2 address), its length ms, its strike}.
    private const string FailScript = Now + """
        local window, first, max, memory = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
        local function fail(key, threshold)
          local s = redis.call('HMGET', key, 'n', 'start', 'strikes', 'last')
          local n, start, strikes, last = tonumber(s[1]) or 0, tonumber(s[2]) or now, tonumber(s[3]) or 0, tonumber(s[4]) or now
          if now - last >= memory then strikes = 0 end
          if now - start >= window then n = 0; start = now end
          n = n + 1
          local length = 0
          if n >= threshold then
            strikes = strikes + 1
            n = 0
            start = now
            length = math.min(max, first * 2 ^ math.min(strikes - 1, 30))
            redis.call('HSET', key, 'until', now + length)
          end
          redis.call('HSET', key, 'n', n, 'start', start, 'strikes', strikes, 'last', now)
          -- A count that never locked out is worth keeping for its window only; the back-off is kept for the memory.
          redis.call('PEXPIRE', key, strikes == 0 and window or math.max(memory, length))
          return length, strikes
        end
        local result = {0, 0, 0}
        if ARGV[1] == '1' then
          local length, strikes = fail(KEYS[2], tonumber(ARGV[2]))
          if length > 0 then result = {1, length, strikes} end
        end
        local length, strikes = fail(KEYS[1], tonumber(ARGV[3]))
        if length > 0 then result = {2, length, strikes} end
        return result
        """;

    private const string KnownScript = "redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) return 1";

    private readonly ClientAuthenticationOptions _options = options.Value;

    public async ValueTask<Lockout?> AddressLockedOutAsync(string address)
    {
        var result = await redis.EvaluateAsync(CheckScript, [AddressKey(address)], [2]);
        return result is null ? await local.AddressLockedOutAsync(address) : Decode((RedisResult[])result!);
    }

    public async ValueTask<Lockout?> ClientLockedOutAsync(string clientId, string address)
    {
        var result = await redis.EvaluateAsync(CheckScript, [ClientKey(clientId), KnownKey(address, clientId)], [1]);
        return result is null ? await local.ClientLockedOutAsync(clientId, address) : Decode((RedisResult[])result!);
    }

    public async ValueTask<Lockout?> FailedAsync(string address, string? clientId)
    {
        var result = await redis.EvaluateAsync(FailScript, [AddressKey(address), ClientKey(clientId ?? "")],
        [
            clientId is null ? "0" : "1",
            _options.FailuresPerClient,
            _options.FailuresPerAddress,
            (long)_options.FailureWindow.TotalMilliseconds,
            (long)_options.FirstLockout.TotalMilliseconds,
            (long)_options.MaxLockout.TotalMilliseconds,
            (long)_options.LockoutMemory.TotalMilliseconds,
        ]);
        return result is null ? await local.FailedAsync(address, clientId) : Decode((RedisResult[])result!);
    }

    public async ValueTask SucceededAsync(string address, string clientId)
    {
        if (_options.KnownAddressMemory <= TimeSpan.Zero)
        {
            return;
        }

        // Every token a client gets lands here. The marker lasts KnownAddressMemory (a day): this replica sets it again
        // only when a 24th of that has passed since it last did, not on every token, and remembers when locally (which
        // is also what it goes by while Redis is down).
        var now = time.GetUtcNow();
        if (local.KnownUntil(clientId, address) is { } until && until - now > _options.KnownAddressMemory * (23.0 / 24))
        {
            return;
        }

        await local.SucceededAsync(address, clientId);
        await redis.EvaluateAsync(KnownScript, [KnownKey(address, clientId)], [(long)_options.KnownAddressMemory.TotalMilliseconds]);
    }

    private static RedisKey AddressKey(string address) => "ndxp:authfail:address:" + address;

    private static RedisKey ClientKey(string clientId) => "ndxp:authfail:client:" + clientId;

    private static RedisKey KnownKey(string address, string clientId) => $"ndxp:authknown:{clientId}:{address}";

    private static Lockout? Decode(RedisResult[] result)
    {
        var scope = (int)result[0];
        if (scope == 0)
        {
            return null;
        }

        var retryAfter = TimeSpan.FromMilliseconds((long)result[1]);
        var strike = (int)(long)result[2];
        return new Lockout(scope == 1 ? LockoutScope.Client : LockoutScope.Address, retryAfter, strike);
    }
}
