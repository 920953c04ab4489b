namespace Ndxp.Gateway.Problems;

/// <summary>How a call ended, in the categories that metering, metrics and logs report.</summary>
public enum Outcome
{
    Ok,
    ClientError,
    Unauthorized,
    Forbidden,
    RateLimited,
    QuotaExceeded,
    UpstreamError,
    Timeout,
}
