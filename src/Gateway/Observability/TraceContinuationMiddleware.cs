using System.Diagnostics;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// Continues an authenticated caller's W3C <c>traceparent</c>: the rest of the call (the provider leg, its logs,
/// problem bodies and the call summary) runs in an activity whose parent is the caller's span, so an agency can
/// follow its call through the gateway. Its <c>tracestate</c> and baggage are not taken (see
/// <see cref="CallerTraceContext"/>), and a caller without a valid token keeps the gateway's own trace.
/// </summary>
internal sealed class TraceContinuationMiddleware
{
    public const string TraceParentHeader = "traceparent";
    private const string ActivityName = "Ndxp.Gateway.CallerTrace";

    private readonly RequestDelegate _next;

    public TraceContinuationMiddleware(RequestDelegate next) => _next = next;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true
            || context.GetGatewayCall() is not { } call
            || context.Request.Headers[TraceParentHeader] is not [{ } traceParent]
            || !ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out var parent))
        {
            return _next(context);
        }

        return ContinueAsync(context, call, parent);
    }

    private async Task ContinueAsync(HttpContext context, GatewayCall call, ActivityContext parent)
    {
        using var activity = new Activity(ActivityName);
        activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        activity.Start();
        call.TraceId = activity.TraceId;
        await _next(context);
    }
}
