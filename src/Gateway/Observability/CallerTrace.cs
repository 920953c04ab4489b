using System.Diagnostics;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// Continues an authenticated caller's W3C <c>traceparent</c>: the rest of the call (the provider leg, its logs,
/// problem bodies and the call summary) runs in an activity whose parent is the caller's span, so an agency can
/// follow its call through the gateway. Its <c>tracestate</c> and baggage are not taken (see
/// <see cref="CallerTraceContext"/>), and a caller without a valid token keeps the gateway's own trace.
/// </summary>
internal static class CallerTrace
{
    public const string TraceParentHeader = "traceparent";
    private const string ActivityName = "Ndxp.Gateway.CallerTrace";

    /// <summary>The activity to run the rest of the call in (dispose it at the end), or null to keep the request's own.</summary>
    public static Activity? Continue(HttpContext context, GatewayCall call, bool authenticated)
    {
        if (!authenticated
            || context.Request.Headers[TraceParentHeader] is not [{ } traceParent]
            || !ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out var parent))
        {
            return null;
        }

        var activity = new Activity(ActivityName);
        activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        activity.Start();
        call.TraceId = activity.TraceId;
        return activity;
    }
}
