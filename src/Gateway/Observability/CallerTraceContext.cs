using System.Diagnostics;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// What ASP.NET Core's hosting reads from a request to start its activity: nothing. Every request starts a trace of
/// the gateway's own, so an unauthenticated caller cannot choose the trace id of logs and problem bodies, and no
/// caller's <c>tracestate</c> or <c>baggage</c> (<c>agency=BCA</c>) rides along to a provider.
/// <see cref="CallerTrace"/> continues a caller's <c>traceparent</c> once the caller is authenticated.
/// </summary>
internal sealed class CallerTraceContext : DistributedContextPropagator
{
    public override IReadOnlyCollection<string> Fields { get; } = [];

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
    }

    // Hosting only extracts; outgoing calls use DistributedContextPropagator.Current (YARP wraps it).
    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
    }
}
