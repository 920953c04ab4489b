using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway.Observability;

/// <summary>Counts and times every data-plane call, with labels resolved against the live registry.</summary>
internal sealed class CallMetrics(RegistrySnapshotProvider snapshots)
{
    private readonly Prometheus.Gauge _inFlight = GatewayMetrics.InFlight;

    public void Started() => _inFlight.Inc();

    public void Finished(GatewayCall call, CallResult result)
    {
        _inFlight.Dec();
        var snapshot = snapshots.Current;
        var service = GatewayMetrics.Service(snapshot, call.ServiceId);
        var agency = GatewayMetrics.Agency(snapshot, call.Agency);

        using (GatewayMetrics.Counting(call.TraceId))
        {
            // Label values as spans: an existing series is found without an array per lookup.
            GatewayMetrics.Requests.WithLabels((ReadOnlySpan<string>)[service, agency, result.Method, GatewayMetrics.StatusClass(result.Status), result.Outcome.Name()]).Inc();
            GatewayMetrics.RequestDuration.WithLabels((ReadOnlySpan<string>)[service]).Observe(result.Elapsed.TotalSeconds);
            if (call.UpstreamLatency is { } upstream)
            {
                GatewayMetrics.UpstreamDuration.WithLabels((ReadOnlySpan<string>)[service]).Observe(upstream.TotalSeconds);
            }
        }

        if (call.Problem is { } problem && ProblemCatalog.Describe(problem) is { Status: StatusCodes.Status401Unauthorized } refusal)
        {
            GatewayMetrics.AuthenticationFailures.WithLabels(refusal.Slug).Inc();
        }
    }
}
