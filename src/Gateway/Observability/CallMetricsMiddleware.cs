using System.Diagnostics;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Observability;

/// <summary>Counts and times every data-plane call, with labels resolved against the live registry.</summary>
internal sealed class CallMetricsMiddleware
{
    private readonly RequestDelegate _next;
    private readonly RegistrySnapshotProvider _snapshots;

    public CallMetricsMiddleware(RequestDelegate next, RegistrySnapshotProvider snapshots)
    {
        _next = next;
        _snapshots = snapshots;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var call = context.GetGatewayCall();
        if (call is null)
        {
            await _next(context);
            return;
        }

        GatewayMetrics.InFlight.Inc();
        try
        {
            await _next(context);
        }
        finally
        {
            GatewayMetrics.InFlight.Dec();
            Observe(context, call);
        }
    }

    private void Observe(HttpContext context, GatewayCall call)
    {
        var snapshot = _snapshots.Current;
        var status = context.Response.StatusCode;
        var service = GatewayMetrics.Service(snapshot, call.ServiceId);
        var agency = GatewayMetrics.Agency(snapshot, call.Agency);
        var outcome = call.OutcomeFor(status);

        GatewayMetrics.Requests.WithLabels(service, agency, RecordedMethod.Of(context), GatewayMetrics.StatusClass(status), outcome.Name()).Inc();
        GatewayMetrics.RequestDuration.WithLabels(service).Observe(Stopwatch.GetElapsedTime(call.StartTimestamp).TotalSeconds);
        if (call.UpstreamLatency is { } upstream)
        {
            GatewayMetrics.UpstreamDuration.WithLabels(service).Observe(upstream.TotalSeconds);
        }

        if (call.Problem is { } problem && ProblemCatalog.Describe(problem).Status == StatusCodes.Status401Unauthorized)
        {
            GatewayMetrics.AuthenticationFailures.WithLabels(ProblemCatalog.Describe(problem).Slug).Inc();
        }
    }
}
