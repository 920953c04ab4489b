using Microsoft.Extensions.Options;
using Ndxp.Gateway.Forwarding;
using Ndxp.Gateway.Hardening;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Observability;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway;

/// <summary>
/// The outer half of the data path, from a call's arrival to its record: the steps below run in order in this one
/// method (each a named type in its feature folder), around routing and the inner half,
/// <see cref="ServiceCallMiddleware"/>, which YARP runs once the route named a service. One frame instead of one
/// middleware per step: a data call pays for each step, not for a dozen nested state machines. Admin-plane requests
/// pass straight through.
/// </summary>
internal sealed class DataCallMiddleware
{
    private readonly RequestDelegate _next;
    private readonly int _adminPort;
    private readonly TimeProvider _clock;
    private readonly EscapedFailure _failures;
    private readonly CallMetering _metering;
    private readonly CallMetrics? _metrics;
    private readonly CallSummary _summary;

    public DataCallMiddleware(
        RequestDelegate next, IOptions<GatewayHostOptions> host, IOptions<ObservabilityOptions> observability, TimeProvider clock,
        EscapedFailure failures, CallMetering metering, CallMetrics metrics, CallSummary summary)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(observability);
        _next = next;
        _adminPort = host.Value.AdminPort;
        _clock = clock;
        _failures = failures;
        _metering = metering;
        _metrics = observability.Value.CallMetrics ? metrics : null;
        _summary = summary;
    }

    public Task InvokeAsync(HttpContext context) =>
        // Health probes and scrapes are not data calls: no transaction, no record.
        context.Connection.LocalPort == _adminPort ? _next(context) : HandleAsync(context);

    private async Task HandleAsync(HttpContext context)
    {
        // 1. A transaction id, echoed to the caller and sent to the provider.
        var call = Transaction.Begin(context, _clock);
        _metrics?.Started();
        // 2. Its bytes are counted each way from here.
        var bytes = CallMetering.Watch(context);
        try
        {
            // 3. A request framed two ways, or whose path is not canonical, goes no further.
            if (RequestFraming.IsAmbiguous(context.Request.Headers))
            {
                context.Response.Headers.Connection = "close";
                await context.WriteProblemAsync(ProblemKind.RequestFramingInvalid);
            }
            else if (CanonicalPath.Check(context) is { } reason)
            {
                await context.WriteProblemAsync(ProblemKind.PathNotCanonical, $"The path is refused: {reason}.");
            }
            else
            {
                // 4. Routing, then (for a service's route) ServiceCallMiddleware and YARP; the token endpoint otherwise.
                await _next(context);
            }
        }
        catch (Exception failure)
        {
            // 5. What escaped is answered here, so that the record below reads the status actually sent.
            await _failures.HandleAsync(context, call, failure);
        }
        finally
        {
            // 6. The record: metering (which also settles the byte counts), the metrics and the access log line.
            var result = CallResult.Of(context, call);
            await _metering.RecordAsync(context, call, bytes, result);
            _metrics?.Finished(call, result);
            _summary.Write(call, result, context.Connection.Id);
        }
    }
}
