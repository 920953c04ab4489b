using Microsoft.Extensions.Options;
using Ndxp.Gateway.Access;
using Ndxp.Gateway.Forwarding;
using Ndxp.Gateway.Hardening;
using Ndxp.Gateway.Limits;
using Ndxp.Gateway.Observability;
using Ndxp.Gateway.Problems;

namespace Ndxp.Gateway;

/// <summary>
/// The inner half of the data path, first in YARP's pipeline once the route named a service (the outer half is
/// <see cref="DataCallMiddleware"/>): who calls, what the request carries, whether it may, within which limits, and
/// then YARP's own steps and the forwarder. Each step is a named type in its feature folder; they run in order here.
/// </summary>
internal sealed class ServiceCallMiddleware
{
    private readonly RequestDelegate _next;
    private readonly CallerAuthentication _authentication;
    private readonly RequestLimits _requestLimits;
    private readonly AccessDecision _access;
    private readonly CallLimits? _limits;

    public ServiceCallMiddleware(
        RequestDelegate next, CallerAuthentication authentication, RequestLimits requestLimits, AccessDecision access, CallLimits limits, IOptions<LimitsOptions> limitsOptions)
    {
        ArgumentNullException.ThrowIfNull(limitsOptions);
        _next = next;
        _authentication = authentication;
        _requestLimits = requestLimits;
        _access = access;
        _limits = limitsOptions.Value.Enabled ? limits : null;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var call = context.GetGatewayCall()!;
        // 1. Who calls: the bearer token's caller, from memory when the token authenticated before.
        var caller = await _authentication.AuthenticateAsync(context);
        // 2. An authenticated caller's trace is continued for the rest of the call.
        CallerTrace.Continue(context, call, caller.IsAuthenticated);
        // 3. What the request carries: header names, header and body sizes, no body where the method takes none.
        if (_requestLimits.Check(context) is { } tooMuch)
        {
            await tooMuch.WriteAsync(context);
            return;
        }

        // 4. Whether it may: the service is up and offers the method, the token is valid, a grant covers the purpose.
        if (_access.Decide(context, call, caller) is { } refusal)
        {
            // The 401 challenge (RFC 6750) is added by WriteProblemAsync for every 401, on both planes.
            await context.WriteProblemAsync(refusal);
            return;
        }

        // 5. Within the limits: the service's concurrency cap, the grant's rate and quotas, the service's total rate.
        using var admission = _limits is null ? Admission.Unlimited : await _limits.AdmitAsync(context, call);
        if (!admission.Admitted)
        {
            return;
        }

        // 6. Forwarded: YARP's session affinity, load balancing, passive health checks, then the forwarder with the
        // identity transforms (Forwarding/IdentityHeadersTransformProvider).
        await _next(context);
        // 7. A provider that is down, too slow or unhealthy becomes a problem answer.
        await ForwardingProblems.TranslateAsync(context, call);
    }
}
