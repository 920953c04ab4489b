namespace Ndxp.Gateway.Problems;

/// <summary>How a call ended, in the categories that metering, metrics and logs report.</summary>
/// <remarks>The numeric values are stored by metering: append new members, never renumber.</remarks>
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

    /// <summary>The caller went away (or its connection broke) before the answer was complete.</summary>
    Aborted,

    /// <summary>The gateway itself failed (a bug), not the provider.</summary>
    GatewayError,
}

public static class OutcomeNames
{
    private static readonly string[] Names = ["ok", "client_error", "unauthorized", "forbidden", "rate_limited", "quota_exceeded", "upstream_error", "timeout", "aborted", "gateway_error"];

    /// <summary>The outcome as reports, metrics and logs name it (snake case).</summary>
    public static string Name(this Outcome outcome) => Names[(int)outcome];

    public static bool TryParse(string? name, out Outcome outcome)
    {
        var index = Array.IndexOf(Names, name?.ToLowerInvariant());
        outcome = (Outcome)Math.Max(index, 0);
        return index >= 0;
    }

    public static IReadOnlyList<string> All => Names;

    /// <summary>
    /// Whether a call with this outcome was let through to the provider (and so counts against quotas): everything
    /// but the gateway's refusals.
    /// </summary>
    public static bool IsAdmitted(this Outcome outcome) =>
        outcome is not (Outcome.Unauthorized or Outcome.Forbidden or Outcome.RateLimited or Outcome.QuotaExceeded);
}
