using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Ndxp.Gateway.Access;
using Ndxp.Gateway.Forwarding;
using Ndxp.Gateway.Hardening;
using Ndxp.Gateway.Hosting;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Metering;
using Ndxp.Gateway.Observability;
using Ndxp.Gateway.Problems;
using Ndxp.Gateway.Registry;

namespace Ndxp.Gateway;

/// <summary>
/// The data path, from a call's arrival to its record: the steps below run in order in this one class (each a named
/// type in its feature folder). A call to a service never enters ASP.NET Core's routing or YARP's per-route
/// middleware: its path names the service (<see cref="RegistrySnapshot.FindService"/>) and YARP's forwarder is called
/// directly (<see cref="ProviderForwarder"/>). One frame for the outer half and one for the service's steps instead of
/// a middleware each: a data call pays for each step, not for a dozen nested state machines. Anything else on the data
/// port (the token endpoint, discovery, an unknown path) goes on to routing; admin-plane requests pass straight through.
/// </summary>
internal sealed class DataCallMiddleware
{
    private readonly RequestDelegate _next;
    private readonly int _adminPort;
    private readonly TimeProvider _clock;
    private readonly RegistrySnapshotProvider _snapshots;
    private readonly EscapedFailure _failures;
    private readonly CallerAuthentication _authentication;
    private readonly RequestLimits _requestLimits;
    private readonly AccessDecision _access;
    private readonly CallLimits? _limits;
    private readonly ProviderForwarder _forwarder;
    private readonly CallMetering _metering;
    private readonly CallMetrics? _metrics;
    private readonly CallSummary _summary;

    public DataCallMiddleware(
        RequestDelegate next, IOptions<GatewayHostOptions> host, IOptions<ObservabilityOptions> observability, IOptions<LimitsOptions> limitsOptions,
        TimeProvider clock, RegistrySnapshotProvider snapshots, EscapedFailure failures, CallerAuthentication authentication, RequestLimits requestLimits,
        AccessDecision access, CallLimits limits, ProviderForwarder forwarder, CallMetering metering, CallMetrics metrics, CallSummary summary)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(observability);
        ArgumentNullException.ThrowIfNull(limitsOptions);
        _next = next;
        _adminPort = host.Value.AdminPort;
        _clock = clock;
        _snapshots = snapshots;
        _failures = failures;
        _authentication = authentication;
        _requestLimits = requestLimits;
        _access = access;
        _limits = limitsOptions.Value.Enabled ? limits : null;
        _forwarder = forwarder;
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
            else if (_snapshots.Current is var snapshot && snapshot.FindService(context.Request.Path.Value) is { } service)
            {
                // 4. A call to a service: the steps below.
                await CallServiceAsync(context, call, snapshot, service);
            }
            else
            {
                // 4. Anything else goes to routing: the token endpoint, discovery, or a 404 problem.
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

    // The steps of a call to a service, in order; the service and the snapshot it was found in hold for the whole call.
    private async Task CallServiceAsync(HttpContext context, GatewayCall call, RegistrySnapshot snapshot, ServiceEntry service)
    {
        // Counted by the gateway's own series, with bounded labels; ASP.NET Core's request histogram would count each call
        // again by the provider's raw status code and protocol version, 28 lines per combination.
        if (context.Features.Get<IHttpMetricsTagsFeature>() is { } httpMetrics)
        {
            httpMetrics.MetricsDisabled = true;
        }

        // a. Who calls: the bearer token's caller, from memory when the token authenticated before.
        var caller = await _authentication.AuthenticateAsync(context);
        // b. An authenticated caller's trace is continued for the rest of the call.
        CallerTrace.Continue(context, call, caller.IsAuthenticated);
        // c. What the request carries: header names, header and body sizes, no body where the method takes none.
        if (_requestLimits.Check(context, service.Definition) is { } tooMuch)
        {
            await tooMuch.WriteAsync(context);
            return;
        }

        // d. Whether it may: the service is up and offers the method, the token is valid, a grant covers the purpose.
        if (_access.Decide(context, call, caller, snapshot, service) is { } refusal)
        {
            // The 401 challenge (RFC 6750) is added by WriteProblemAsync for every 401, on both planes.
            await context.WriteProblemAsync(refusal);
            return;
        }

        // e. Within the limits: the service's concurrency cap, the grant's rate and quotas, the service's total rate.
        using var admission = _limits is null ? Admission.Unlimited : await _limits.AdmitAsync(context, call);
        if (!admission.Admitted)
        {
            return;
        }

        // f. Forwarded to one of the provider's healthy instances with the identity headers; a provider that is down,
        // too slow or unhealthy becomes a problem answer.
        await _forwarder.ForwardAsync(context, call, service);
    }
}
