using System.Diagnostics;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// Continues an authenticated caller's W3C <c>traceparent</c>: the rest of the call (the provider leg, problem bodies
/// and the call summary) is in the caller's trace, under the gateway's own span of the call, so an agency can follow
/// its call through the gateway. Its <c>tracestate</c> and baggage are not taken, and a caller without a valid token
/// keeps the gateway's own trace (<see cref="CallerTraceContext"/> keeps ASP.NET Core from taking them either).
/// </summary>
internal static class CallerTrace
{
    public const string TraceParentHeader = "traceparent";

    public static void Continue(HttpContext context, GatewayCall call, bool authenticated)
    {
        if (authenticated
            && context.Request.Headers[TraceParentHeader] is [{ } traceParent]
            && ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out var parent))
        {
            call.TraceId = parent.TraceId;
            call.TraceFlags = parent.TraceFlags;
        }
    }
}
