using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Limits;

/// <summary>Why a call was limited, as metrics label it.</summary>
public enum LimitReason
{
    None,
    GrantRate,
    ServiceRate,
    ServiceConcurrency,
    Quota,
}

/// <summary>What a limiter decided for one call, with what the caller needs to pace itself.</summary>
public readonly record struct LimitDecision(LimitReason Reason, TimeSpan RetryAfter, long? GrantTokensLeft, long? DailyQuotaLeft)
{
    public bool Admitted => Reason == LimitReason.None;
}

/// <summary>The limits that apply to one admitted-by-access call.</summary>
public sealed record LimitRequest(Grant Grant, RateLimit? GrantRate, Service Service, DateTimeOffset Now);

/// <summary>Grant rate limit, then the service's total rate, then the grant's quotas, decided together.</summary>
public interface ICallLimiter
{
    /// <summary>Takes one call from every limit that applies, or none of them if any refuses.</summary>
    ValueTask<LimitDecision> AcquireAsync(LimitRequest request, CancellationToken cancellationToken);
}
