using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway;

/// <summary>
/// What the gateway learnt about one data call as it passed each step: who called, which service, for what purpose,
/// and why it was refused or failed. Forwarding, logs and metering read it instead of re-deriving it.
/// Kept as an <see cref="HttpContext"/> feature; it holds no path, query or body, which may carry personal data.
/// </summary>
public sealed class GatewayCall
{
    public required string TransactionId { get; init; }

    /// <summary>When the call arrived (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp at arrival, for latencies.</summary>
    public required long StartTimestamp { get; init; }

    public string? ServiceId { get; set; }

    public string? ServiceVersion { get; set; }

    /// <summary>The grant that admitted the call, once access allowed it.</summary>
    public string? GrantId { get; set; }

    /// <summary>Stopwatch timestamp when the request left for the provider; 0 if it never did.</summary>
    public long UpstreamStartTimestamp { get; set; }

    /// <summary>Time from sending to the provider until its response headers (or its failure); null if never sent.</summary>
    public TimeSpan? UpstreamLatency { get; set; }

    public string? Agency { get; set; }

    /// <summary>
    /// The call's W3C trace: the gateway's own, or an authenticated caller's once continued (Observability/CallerTrace).
    /// Kept here rather than in an <see cref="System.Diagnostics.Activity"/>: setting <c>Activity.Current</c> changes
    /// the execution context that every await of the call then carries (perf/README.md).
    /// </summary>
    public required System.Diagnostics.ActivityTraceId TraceId { get; set; }

    /// <summary>The gateway's span of the call: the parent the provider is told about.</summary>
    public required System.Diagnostics.ActivitySpanId SpanId { get; init; }

    /// <summary>The trace's flags: none for the gateway's own trace, the caller's for a continued one.</summary>
    public System.Diagnostics.ActivityTraceFlags TraceFlags { get; set; }

    /// <summary>The call's <c>traceparent</c> (W3C Trace Context, version 00), as the provider and problem bodies get it.</summary>
    public string TraceParent() => string.Create(55, this, static (chars, call) =>
    {
        "00-".CopyTo(chars);
        call.TraceId.ToHexString().CopyTo(chars[3..]);
        chars[35] = '-';
        call.SpanId.ToHexString().CopyTo(chars[36..]);
        chars[52] = '-';
        (call.TraceFlags.HasFlag(System.Diagnostics.ActivityTraceFlags.Recorded) ? "01" : "00").CopyTo(chars[53..]);
    });

    public string? ClientId { get; set; }

    public string? Purpose { get; set; }

    public ProblemKind? Problem { get; set; }

    /// <summary>Body bytes received from the caller and sent back, once the call is metered.</summary>
    public long RequestBytes { get; set; }

    public long ResponseBytes { get; set; }

    /// <summary>The caller went away, or its connection broke, before the answer was complete (see Problems/CallerDeparture).</summary>
    public bool Aborted { get; set; }

    /// <summary>
    /// The outcome category: aborted if the caller left, else the gateway's own refusal or failure if any, else read
    /// from the status.
    /// </summary>
    public Outcome OutcomeFor(int status)
    {
        if (Aborted)
        {
            return Outcome.Aborted;
        }

        if (Problem is { } problem)
        {
            return ProblemCatalog.Describe(problem).Outcome;
        }

        return status switch
        {
            < 400 => Outcome.Ok,
            StatusCodes.Status401Unauthorized => Outcome.Unauthorized,
            StatusCodes.Status403Forbidden => Outcome.Forbidden,
            StatusCodes.Status429TooManyRequests => Outcome.RateLimited,
            < 500 => Outcome.ClientError,
            StatusCodes.Status504GatewayTimeout => Outcome.Timeout,
            _ => Outcome.UpstreamError,
        };
    }

    /// <summary>Marks the end of the provider leg, if it started and was not ended yet.</summary>
    public void EndUpstream()
    {
        if (UpstreamStartTimestamp != 0 && UpstreamLatency is null)
        {
            UpstreamLatency = System.Diagnostics.Stopwatch.GetElapsedTime(UpstreamStartTimestamp);
        }
    }
}

public static class GatewayCallExtensions
{
    /// <summary>The call's record; null only for requests that did not pass the transaction step (admin plane).</summary>
    public static GatewayCall? GetGatewayCall(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<GatewayCall>();
    }
}
