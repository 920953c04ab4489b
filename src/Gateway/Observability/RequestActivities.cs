using System.Diagnostics;

namespace Ndxp.Gateway.Observability;

/// <summary>
/// Every request gets its W3C trace (an activity) without ASP.NET Core's per-request log scope. Hosting starts an
/// activity when its logger is on or something listens to its activity source; with its logger on it also opens a log
/// scope (request id, connection id, path) that is copied into the properties of every event logged during the request,
/// the access log line among them, where the transaction id already says which call it was. So the hosting logger
/// ("Microsoft.AspNetCore.Hosting.Diagnostics": request starting and finished, both below the gateway's levels) is
/// off (GatewayApplication sets its level above Fatal), and this listener asks for the activity instead: propagation
/// data only (trace and span ids, no tags).
/// </summary>
internal static class RequestActivities
{
    public const string HostingLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";
    private const string HostingActivitySource = "Microsoft.AspNetCore";

    private static readonly ActivityListener Listener = new()
    {
        ShouldListenTo = source => source.Name == HostingActivitySource,
        Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    private static int _registered;

    /// <summary>Listens once per process (several gateways in one test process share it).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            ActivitySource.AddActivityListener(Listener);
        }
    }
}
