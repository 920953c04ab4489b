using System.Threading.RateLimiting;

namespace Ndxp.Gateway.Limits;

/// <summary>
/// Limits on one node with System.Threading.RateLimiting: a token bucket per grant and per service, partitioned by
/// id and limit values (so a changed limit in a new registry snapshot starts a new bucket at once, and idle buckets
/// are dropped), and the in-process quota counters. With several replicas and no Redis, or while Redis is down,
/// each replica takes its share: the limits divided by the replicas counted (<see cref="LiveReplicas"/>); a changed
/// count starts new buckets, as a changed limit does.
/// </summary>
internal sealed class LocalCallLimiter : ICallLimiter, IDisposable
{
    private readonly PartitionedRateLimiter<BucketKey> _grantBuckets;
    private readonly PartitionedRateLimiter<BucketKey> _serviceBuckets;
    private readonly QuotaCounters _quotas;
    private readonly LiveReplicas _replicas;

    public LocalCallLimiter(QuotaCounters quotas, LiveReplicas replicas)
    {
        _quotas = quotas;
        _replicas = replicas;
        _grantBuckets = PartitionedRateLimiter.Create<BucketKey, BucketKey>(key => RateLimitPartition.GetTokenBucketLimiter(key, Bucket));
        _serviceBuckets = PartitionedRateLimiter.Create<BucketKey, BucketKey>(key => RateLimitPartition.GetTokenBucketLimiter(key, Bucket));
    }

    public ValueTask<LimitDecision> AcquireAsync(LimitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        long? grantTokensLeft = null;
        var share = _replicas.Count;
        if (request.GrantRate is { } grantRate)
        {
            var key = new BucketKey(request.Grant.Id, grantRate.PerSecond, grantRate.Burst, share);
            using var lease = _grantBuckets.AttemptAcquire(key);
            if (!lease.IsAcquired)
            {
                return ValueTask.FromResult(new LimitDecision(LimitReason.GrantRate, RetryAfter(lease, key), 0, null));
            }

            grantTokensLeft = _grantBuckets.GetStatistics(key)?.CurrentAvailablePermits;
        }

        if (request.Service.Capacity?.Rate is { } serviceRate)
        {
            var key = new BucketKey(request.Service.Id, serviceRate.PerSecond, serviceRate.Burst, share);
            using var lease = _serviceBuckets.AttemptAcquire(key);
            if (!lease.IsAcquired)
            {
                return ValueTask.FromResult(new LimitDecision(LimitReason.ServiceRate, RetryAfter(lease, key), grantTokensLeft, null));
            }
        }

        if (!_quotas.TryConsume(request.Grant, request.Now, out var resetsAt, out var usedToday))
        {
            return ValueTask.FromResult(new LimitDecision(LimitReason.Quota, resetsAt - request.Now, grantTokensLeft, 0));
        }

        long? dailyLeft = request.Grant.DailyQuota is { } daily ? daily - usedToday : null;
        return ValueTask.FromResult(new LimitDecision(LimitReason.None, TimeSpan.Zero, grantTokensLeft, dailyLeft));
    }

    public void Dispose()
    {
        _grantBuckets.Dispose();
        _serviceBuckets.Dispose();
    }

    /// <summary>A token bucket of <paramref name="key"/>'s limits, its share of them on one of several replicas.</summary>
    internal static TokenBucketRateLimiterOptions Bucket(BucketKey key) => new()
    {
        TokenLimit = Math.Max(1, key.Burst / key.Share),
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromSeconds(key.Share / key.PerSecond),
        // The partitioned limiter replenishes all buckets from one timer instead of one timer per bucket.
        AutoReplenishment = false,
        QueueLimit = 0,
    };

    internal static TimeSpan RetryAfter(RateLimitLease lease, BucketKey key) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(key.Share / key.PerSecond);

    /// <summary>
    /// A bucket's partition: an id and its limit values, so that a changed limit starts a new bucket at once.
    /// </summary>
    internal readonly record struct BucketKey(string Id, double PerSecond, int Burst, int Share);
}
