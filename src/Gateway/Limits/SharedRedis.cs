using System.Diagnostics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// The one Redis connection of a replica, for everything replicas share: limits and quotas, failed client
/// authentications, replayed client assertions. Each script runs under the gateway's own deadline
/// (<see cref="LimitsOptions.RedisTimeout"/>): StackExchange.Redis looks for timed-out async commands only on its
/// heartbeat (once a second), so a slow Redis would otherwise hold calls for up to a second. When Redis fails or is
/// too slow, every user falls back to its local state until a probe finds Redis back: never a 5xx because of Redis.
/// </summary>
internal sealed partial class SharedRedis : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly LimitsOptions _options;
    private readonly ILogger<SharedRedis> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private int _fallback;

    /// <summary>The shared database, for what keeps its own state there (the web pages' Data Protection keys).</summary>
    public StackExchange.Redis.IDatabase Database => _redis.GetDatabase();

    public SharedRedis(IOptions<LimitsOptions> options, ILogger<SharedRedis> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        var configuration = ConfigurationOptions.Parse(_options.Redis ?? throw new InvalidOperationException("Limits:Redis is not configured."));
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

    /// <summary>True while Redis is failing and each replica works from its local state.</summary>
    public bool InFallback => Volatile.Read(ref _fallback) == 1;

    /// <summary>Runs a Lua script; null when Redis is in fallback, fails or misses the deadline (which starts the fallback).</summary>
    public async ValueTask<RedisResult?> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values)
    {
        if (InFallback)
        {
            return null;
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            var result = await _redis.GetDatabase().ScriptEvaluateAsync(script, keys, values).WaitAsync(_options.RedisTimeout, CancellationToken.None);
            LimitsMetrics.RedisRoundTrip.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            return result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            EnterFallback(ex);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _redis.DisposeAsync();
        _stopping.Dispose();
    }

    private void EnterFallback(Exception cause)
    {
        if (Interlocked.Exchange(ref _fallback, 1) == 1)
        {
            return;
        }

        LimitsMetrics.RedisFallback.Set(1);
        LimitsMetrics.RedisFallbacks.Inc();
        Log.FellBack(_logger, cause);
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
                    // Still down: keep working locally.
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
            Message = "Redis failed: limiting calls locally, each replica enforcing its share of the shared limits (ndxp_gateway_limits_replicas), and counting failed client authentications locally, until it is back")]
        public static partial void FellBack(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Redis is back: limits and client authentication failures are shared by all replicas again")]
        public static partial void Recovered(ILogger logger);
    }
}
