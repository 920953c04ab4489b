using System.Diagnostics;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway;

/// <summary>
/// How a data call ended, settled once for the steps that record it (metering, metrics, the access log), so that the
/// three agree on its status, outcome, method and duration.
/// </summary>
internal readonly record struct CallResult(int Status, Outcome Outcome, string Method, TimeSpan Elapsed)
{
    public static CallResult Of(HttpContext context, GatewayCall call)
    {
        var status = context.Response.StatusCode;
        return new CallResult(status, call.OutcomeFor(status), RecordedMethod.Of(context), Stopwatch.GetElapsedTime(call.StartTimestamp));
    }
}
