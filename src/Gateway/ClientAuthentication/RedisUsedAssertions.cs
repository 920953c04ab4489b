using Ndxp.Gateway.Limits;

namespace Ndxp.Gateway.ClientAuthentication;

/// <summary>
/// Used assertion ids in Redis, so that an assertion accepted by one replica is a replay at every other: one atomic
/// <c>SET NX PX</c> per assertion, expiring with it. While Redis is down or slow (<see cref="SharedRedis"/>), each
/// replica remembers locally, and an assertion could then be replayed once at each other replica within its lifetime.
/// </summary>
internal sealed class RedisUsedAssertions(SharedRedis redis, LocalUsedAssertions local, TimeProvider time) : IUsedAssertions
{
    // KEYS: the (client, jti) key. ARGV: milliseconds to remember it. Returns 1 when it was not there, else 0.
    private const string UseScript = "if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 1 end return 0";

    public async ValueTask<AssertionUse> UseAsync(string clientId, string jti, DateTimeOffset until)
    {
        var milliseconds = Math.Max(1, (long)Math.Ceiling((until - time.GetUtcNow()).TotalMilliseconds));
        var result = await redis.EvaluateAsync(UseScript, ["ndxp:jti:" + UsedAssertions.Key(clientId, jti)], [milliseconds]);
        if (result is null)
        {
            return await local.UseAsync(clientId, jti, until);
        }

        return (int)result == 1 ? AssertionUse.First : AssertionUse.Replayed;
    }
}
